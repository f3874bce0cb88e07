//! A group of bookings decided together.
//!
//! Taking places one request at a time costs about a dozen statements each. Here the whole
//! group costs four round trips to SQLite's connection thread: `BEGIN`; one batch that
//! returns lapsed holds and reads everything the group touches (slots and sessions with their
//! pools and queue numbers in use, the patients' identity and birth date (`holder.rs`), their
//! active bookings and no-shows, earlier uses of the requests' `Idempotency-Key`s, the audit
//! chain's head); one batch that writes the
//! accepted places, keys and audit records as multi-row statements; `COMMIT`. Each request
//! is decided in arrival order by the pure [`Ledger`] in between. On SQLite the snapshot is
//! exact because this connection is the only writer and the batch's first statement is a
//! write, so the group holds the write lock from its first read.
//!
//! On PostgreSQL each batch goes as one text (`sql::Batch`; five round trips for the group,
//! with `BEGIN` and `COMMIT`), and other processes book too. So the read batch first locks
//! what the group decides on, each kind sorted: the patients' booking locks (whose rows say
//! who the patients are, `holder.rs`), their lapsed holds, the slots' sessions (shared), the
//! slots, the sessions' pools. A booking alone takes the same locks, but its session's
//! before its lapsed holds: a shared lock conflicts only with a writer of the session
//! (stop-clinic, calling, extra places), and each of those takes it first. Under those locks
//! every later statement (each with a fresh snapshot) reads what no one else can change
//! until the commit: a slot's counters and queue numbers change only under its lock, a
//! patient's bookings only under theirs. The audit records are appended last, so the chain's
//! head is locked only until the commit.
//!
//! The counter updates keep their conditions (`booked + held + n <= capacity`) and the number
//! of rows they change is checked, so a ledger bug cannot oversell: the group fails, is rolled
//! back and is run again request by request (`queue::commit_group`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use huimin_domain::appointments::{
    AppointmentStatus, Ask, Closed, ExistingBooking, Ledger, PatientLedger, Pool, Refused,
    SessionLedger, SlotLedger,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::booking::{
    BookingError, BookingMode, PlaceRequest, Replay, TakenIn, booking_audits, channel_code,
    fetch_appointment, give_back_lapsed, lapse_statement, parse_date, parse_period, session_facts,
};
use super::hint::FullSlots;
use super::holder::{
    HOLDER_COLUMNS, Holder, admit, holders_from, holders_from_json, holders_json_query,
};
use super::known::{
    CHANGES_QUERY, KnownPlaces, KnownSession, KnownSlot, LeftBehind, MARK_QUERY, Mark, left_behind,
};
use super::sessions::{SESSION_COLUMNS, SLOT_COLUMNS, prefixed, session_at, slot_at};
use super::{ACTIVE, AppointmentRecord};
use crate::audit::{HEAD_QUERY, push_append};
use crate::sql::{Batch, json_array};
use crate::{NewAuditRecord, StoreError};

/// Each value once, in the order first seen.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    values.filter(|v| seen.insert(*v)).collect()
}

/// What the group's earlier requests did with an `Idempotency-Key`.
enum KeyUse {
    /// Stored before this group: `(request hash, appointment id)`.
    Stored(String, String),
    /// Accepted earlier in this group: `(request hash, index of its outcome)`.
    InGroup(String, usize),
}

/// A group decided and written, not yet committed.
pub(crate) struct Decided {
    pub(crate) outcomes: Vec<Result<Replay, BookingError>>,
    /// What its slots hold once it commits (SQLite), for the next groups (`known.rs`).
    pub(crate) left: LeftBehind,
    /// Some of its slots were known, not read.
    pub(crate) from_memory: bool,
}

/// Decides and writes a group inside `tx` (which the caller commits), with the audit records
/// of the places it answers. On SQLite the slots in `known` (what the last groups left) are
/// not read again, when the group's first batch proves them current. The outer `Err` is a
/// database failure: the caller rolls the group back.
pub(crate) async fn decide_group(
    tx: &mut AnyConnection,
    requests: &[PlaceRequest<'_>],
    full_slots: &FullSlots,
    known: &KnownPlaces,
    postgres: bool,
) -> Result<Decided, StoreError> {
    let now = requests
        .iter()
        .map(|r| r.now.as_microsecond())
        .max()
        .unwrap_or_default();
    let asked = Asked {
        now,
        postgres,
        patients: distinct(requests.iter().map(|r| r.patient_id)),
        slots: distinct(requests.iter().map(|r| r.slot_id)),
        keys: distinct(
            requests
                .iter()
                .filter_map(|r| r.idempotency.map(|(k, _)| k)),
        ),
    };
    // Lapsed holds of these patients or in these slots give their places back first. They
    // are rare, so the state read with them is read again only when there were some, or when
    // the slots taken from memory turn out stale.
    let known = (!postgres).then_some(known);
    let mut state = read_state(tx, &asked, true, known, None).await?;
    let keep_known = state.current && state.lapsed.is_empty();
    let from_memory = keep_known && state.from_memory;
    if !state.lapsed.is_empty() {
        for lapsed in &state.lapsed {
            give_back_lapsed(tx, lapsed, now).await?;
        }
        full_slots.forget_all();
        // Giving places back changes no patient's facts: they are not read again.
        let holders = std::mem::take(&mut state.holders);
        state = read_state(tx, &asked, false, None, Some(holders)).await?;
    }
    let State {
        mut keys,
        mut ledger,
        mut earliest_hold,
        places,
        holders,
        audit_head,
        mark,
        ..
    } = state;

    let mut outcomes: Vec<Result<Replay, BookingError>> = Vec::with_capacity(requests.len());
    let mut new_keys: Vec<(&str, &str, &str, String)> = Vec::new();
    for (index, r) in requests.iter().enumerate() {
        let key = r.account_id.zip(r.idempotency);
        if let Some((account, (key, hash))) = key
            && let Some(used) = keys.get(&(account.to_owned(), key.to_owned()))
        {
            outcomes.push(replay(tx, used, hash, &outcomes).await?);
            continue;
        }
        let is_elderly = match admit(holders.get(r.patient_id), r) {
            Ok(is_elderly) => is_elderly,
            Err(refused) => {
                outcomes.push(Err(refused));
                continue;
            }
        };
        let ask = Ask {
            slot_id: r.slot_id,
            patient_id: r.patient_id,
            channel: r.channel,
            is_elderly,
            has_referral: r.has_referral,
            hold: matches!(r.mode, BookingMode::Hold { .. }),
            on_site: r.on_site,
            now: r.now,
            tz: r.tz,
            quota: r.quota,
            bans: r.bans,
        };
        let taken = match ledger.take(&ask) {
            Ok(taken) => taken,
            Err(refused) => {
                outcomes.push(Err(refusal(refused)));
                continue;
            }
        };
        // The answers share the slot's and session's records as read: one copy per slot.
        // The appointment row copies its session's columns from them, as a booking alone does.
        let taken_in = places
            .get(r.slot_id)
            .map(Arc::clone)
            .ok_or_else(|| StoreError::Corrupt("slot left the group's read".into()))?;
        let session = &taken_in.session;
        let (status, expires) = match r.mode {
            BookingMode::Hold { expires_at } => (AppointmentStatus::Pending, Some(expires_at)),
            BookingMode::Book => (AppointmentStatus::Booked, None),
        };
        if let Some(expiry) = expires {
            let earliest = earliest_hold.entry(r.slot_id.to_owned()).or_insert(expiry);
            *earliest = (*earliest).min(expiry);
        }
        let at = r.now.as_microsecond();
        let record = AppointmentRecord {
            id: super::new_appointment_id(),
            patient_id: r.patient_id.to_owned(),
            account_id: r.account_id.map(str::to_owned),
            slot_id: r.slot_id.to_owned(),
            session_id: session.id.clone(),
            department_id: session.department_id.clone(),
            session_date: session.session_date.clone(),
            period: session.period.clone(),
            status,
            pool: taken.pool,
            channel: channel_code(r.channel).to_owned(),
            queue_number: taken.queue_number,
            hold_expires_at: expires,
            created_at: at,
            updated_at: at,
        };
        if let Some((account, (key, hash))) = key {
            keys.insert(
                (account.to_owned(), key.to_owned()),
                KeyUse::InGroup(hash.to_owned(), index),
            );
            new_keys.push((account, key, hash, record.id.clone()));
        }
        outcomes.push(Ok(Replay::Fresh(record, taken_in)));
    }
    // The places taken, with the hospital of each (the answers' records, not copies of them).
    let written: Vec<(&AppointmentRecord, &str)> = outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            Ok(Replay::Fresh(record, taken_in)) => {
                Some((record, taken_in.session.hospital_id.as_str()))
            }
            _ => None,
        })
        .collect();

    // A booking is never answered without its audit record: both go in this transaction.
    let records = booking_audits(requests, &outcomes);
    let records: Vec<&NewAuditRecord> = records.iter().collect();
    // Every statement's text is independent of the group's size on SQLite: kept prepared.
    let mut batch = Batch::default().stable().postgres(postgres);
    let counted = push_places(&mut batch, &written);
    push_keys(&mut batch, &new_keys, now);
    if let Some(head) = audit_head {
        push_append(&mut batch, &records, head);
    }
    // PostgreSQL takes the audit chain's head last, after the places: it is the
    // transaction's last lock, held only to the commit (other processes' groups and the
    // audit batcher wait on it). The records follow in one more batch, chained from it.
    let head_step = (postgres && !records.is_empty()).then(|| {
        let count = batch.arg(records.len() as i64);
        batch.push(&format!(
            "UPDATE audit_head SET seq = seq + {count} WHERE id = 1 RETURNING seq, hash"
        ))
    });
    // The rows changed once the group's writes are done: the next group's mark must be this.
    let mut changes = mark.as_ref().map(|m| m.changes());
    if !batch.is_empty() {
        let changes_step = mark.is_some().then(|| batch.push(CHANGES_QUERY));
        let mut steps = batch.run(tx).await?;
        for (step, expected, what) in counted {
            let changed = steps.get(step).map_or(0, |s| s.changed);
            if changed != expected {
                return Err(StoreError::Batch(format!(
                    "{changed} of {expected} {what} took their places"
                )));
            }
        }
        if let Some(step) = head_step {
            let head = steps[step]
                .rows
                .first()
                .ok_or_else(|| StoreError::Corrupt("no audit head".into()))?;
            let last_seq: i64 = head.try_get(0)?;
            let before = (last_seq - records.len() as i64, head.try_get(1)?);
            let mut audit = Batch::default().postgres(true);
            push_append(&mut audit, &records, before);
            audit.run(tx).await?;
        }
        if let Some(step) = changes_step {
            let rows = std::mem::take(&mut steps[step].rows);
            let row = rows
                .first()
                .ok_or_else(|| StoreError::Corrupt("no count of changes".into()))?;
            changes = Some(row.try_get(0)?);
        }
    }
    for slot in &asked.slots {
        if ledger.is_full(slot) {
            full_slots.mark_full(slot, now, earliest_hold.get(*slot).copied());
        }
    }
    let left = match mark.zip(changes) {
        Some((mark, changes)) => left_behind(
            mark.after(changes),
            !keep_known,
            ledger,
            places,
            &earliest_hold,
        ),
        None => LeftBehind::default(),
    };
    Ok(Decided {
        outcomes,
        left,
        from_memory,
    })
}

/// Prepares the read batch's statements on the writer connection (inside `tx`, which the
/// caller rolls back), so that the first group of a booking rush does not prepare them while
/// the crowd waits: 1–5 ms on a fresh server. Both forms a group sends first are run, with
/// and without `Idempotency-Key`s, on empty lists.
pub(crate) async fn prepare_reads(tx: &mut AnyConnection) -> Result<(), StoreError> {
    for keys in [Vec::new(), vec![""]] {
        let asked = Asked {
            now: 0,
            postgres: false,
            patients: Vec::new(),
            slots: Vec::new(),
            keys,
        };
        read_state(tx, &asked, true, None, None).await?;
    }
    Ok(())
}

/// What a group asks about.
struct Asked<'a> {
    now: i64,
    /// PostgreSQL: the group takes its row locks before the read batch.
    postgres: bool,
    patients: Vec<&'a str>,
    slots: Vec<&'a str>,
    keys: Vec<&'a str>,
}

/// What the read batch found.
struct State {
    /// Holds whose time ran out, cancelled by the read batch (rows of [`lapse_statement`]).
    lapsed: Vec<AnyRow>,
    keys: HashMap<(String, String), KeyUse>,
    ledger: Ledger,
    earliest_hold: HashMap<String, i64>,
    /// Each slot with its session, for the answers (which share them).
    places: HashMap<String, Arc<TakenIn>>,
    /// The patients that exist, by id.
    holders: HashMap<String, Holder>,
    /// SQLite: the audit chain's head, read in the batch (PostgreSQL locks it at the end).
    audit_head: Option<(i64, String)>,
    /// SQLite: where the database stood when the batch read it (`known.rs`).
    mark: Option<Mark>,
    /// The known places were current: nothing but the group writer's commits changed the
    /// database since it kept them.
    current: bool,
    /// Some slots were taken from the known places instead of read.
    from_memory: bool,
}

/// One batch: (when `release`) cancel the lapsed holds of the group's patients and slots,
/// then read the keys, slots (those not `known`), patients (who they are unless `holders`
/// are given, what they booked) and, on SQLite, the mark and the audit head. On PostgreSQL
/// the batch first takes the group's locks ([`push_locks`], answering who the patients are)
/// and cancels the lapsed holds; the audit head is locked at the end (the write batch's last
/// statement).
async fn read_state(
    tx: &mut AnyConnection,
    asked: &Asked<'_>,
    release: bool,
    known: Option<&KnownPlaces>,
    mut holders: Option<HashMap<String, Holder>>,
) -> Result<State, StoreError> {
    // Each statement adds its values in the order its placeholders stand. The lists go as
    // JSON arrays, so the text depends only on `release` and on whether there are keys, and
    // SQLite keeps the statements prepared (with hundreds of placeholders, preparing them was
    // a fifth of the connection thread's time in a booking rush). Each list is serialised
    // once and added to every statement that reads it.
    let (patients, slots) = (
        json_array(asked.patients.iter().copied()),
        json_array(asked.slots.iter().copied()),
    );
    let mut batch = Batch::default().stable().postgres(asked.postgres);
    // PostgreSQL: the group's locks come first, with its lapsed holds, in the same text as
    // the reads (each statement reads with a fresh snapshot, under the locks taken before
    // it). A read again after giving those back (`release` false) already holds them.
    let locks =
        (asked.postgres && release).then(|| push_locks(&mut batch, asked, &patients, &slots));
    let release = (release && !asked.postgres).then(|| {
        let now = batch.arg(asked.now);
        let patients = batch.json_list(&patients);
        let slots = batch.json_list(&slots);
        let until = batch.arg(asked.now);
        let condition = format!("(patient_id IN ({patients}) OR slot_id IN ({slots}))");
        batch.push(&lapse_statement(now, &condition, until))
    });
    let mark = (!asked.postgres).then(|| batch.push(MARK_QUERY));
    let keys = (!asked.keys.is_empty()).then(|| {
        let list = batch.json_list(&json_array(asked.keys.iter().copied()));
        batch.push(&format!(
            "SELECT account_id, key, request_hash, appointment_id FROM idempotency_keys \
             WHERE key IN ({list})"
        ))
    });
    let (remembered, unknown): (Vec<&str>, Vec<&str>) = asked
        .slots
        .iter()
        .partition(|slot| known.and_then(|k| k.place(slot)).is_some());
    let unknown = match remembered.is_empty() {
        true => slots.clone(),
        false => json_array(unknown),
    };
    let (session_rows, slot_rows) = push_slot_reads(&mut batch, &unknown);
    // (On PostgreSQL the locks answer who the patients are.)
    let holder_rows = (holders.is_none() && !asked.postgres).then(|| {
        let ids = batch.json_list(&patients);
        batch.push(&holders_json_query(&ids))
    });
    let booked_by = batch.json_list(&patients);
    let missed_by = batch.json_list(&patients);
    let patient_rows = batch.push(&format!(
        "SELECT patient_id, session_date, hospital_id, department_id, period, status \
         FROM appointments WHERE patient_id IN ({booked_by}) AND status IN {ACTIVE} \
         UNION ALL SELECT patient_id, session_date, '', '', '', 'noshow' FROM noshows \
         WHERE patient_id IN ({missed_by})"
    ));
    let head = (!asked.postgres).then(|| batch.push(HEAD_QUERY));
    let mut steps = batch.run(tx).await?;
    let mut rows = |step: usize| std::mem::take(&mut steps[step].rows);

    let lapsed = match locks {
        Some(GroupLocks {
            holders: step,
            lapsed,
        }) => {
            holders.get_or_insert(holders_from(&rows(step))?);
            rows(lapsed)
        }
        None => release.map(&mut rows).unwrap_or_default(),
    };
    let mut found = HashMap::new();
    for row in keys.map(&mut rows).unwrap_or_default() {
        found.insert(
            (row.try_get(0)?, row.try_get(1)?),
            KeyUse::Stored(row.try_get(2)?, row.try_get(3)?),
        );
    }
    let mark = match mark.map(&mut rows) {
        Some(row) => Some(Mark::from_row(
            row.first()
                .ok_or_else(|| StoreError::Corrupt("no mark".into()))?,
        )?),
        None => None,
    };
    let (mut session_rows, mut slot_rows) = (rows(session_rows), rows(slot_rows));
    // The kept slots are used only when nothing but the group writer's own commits changed
    // the database since it kept them; otherwise they are read now.
    let current = known.is_some_and(|k| k.mark().is_some() && k.mark() == mark.as_ref());
    let from_memory = current && !remembered.is_empty();
    // (Lapsed holds make the caller read everything again: no need to read them here.)
    if !current && !remembered.is_empty() && lapsed.is_empty() {
        let mut batch = Batch::default().stable();
        let (sessions_at, slots_at) =
            push_slot_reads(&mut batch, &json_array(remembered.iter().copied()));
        let mut steps = batch.run(tx).await?;
        session_rows.append(&mut steps[sessions_at].rows);
        slot_rows.append(&mut steps[slots_at].rows);
    }
    let (mut ledger, mut earliest_hold, mut places) = ledger_from(&session_rows, &slot_rows)?;
    if let Some(known) = known.filter(|_| from_memory) {
        for slot in &remembered {
            if let Some((kept, session)) = known.place(slot) {
                add_known(
                    &mut ledger,
                    &mut earliest_hold,
                    &mut places,
                    slot,
                    kept,
                    session,
                );
            }
        }
    }
    add_patients(&mut ledger, &asked.patients, &rows(patient_rows))?;
    let holders = match (holders, holder_rows) {
        (Some(holders), _) => holders,
        // `json_group_array` (SQLite) answers one row, `[]` when no patient
        // exists: no row is a fault, not "nobody exists" (which would refuse the whole group).
        (None, Some(step)) => {
            let row = rows(step);
            let row = row
                .first()
                .ok_or_else(|| StoreError::Corrupt("no row of patients".into()))?;
            holders_from_json(&row.try_get::<String, _>(0)?)?
        }
        (None, None) => {
            return Err(StoreError::Corrupt(
                "patients neither given nor read".into(),
            ));
        }
    };
    let audit_head = match head.map(&mut rows) {
        Some(head) => {
            let head = head
                .first()
                .ok_or_else(|| StoreError::Corrupt("no audit head".into()))?;
            Some((head.try_get(0)?, head.try_get(1)?))
        }
        None => None,
    };
    Ok(State {
        lapsed,
        keys: found,
        ledger,
        earliest_hold,
        places,
        holders,
        audit_head,
        mark,
        current,
        from_memory,
    })
}

/// The steps of [`push_locks`]: the patients' lock rows (who they are), the lapsed holds.
struct GroupLocks {
    holders: usize,
    lapsed: usize,
}

/// PostgreSQL: other processes book too, so the rows the group decides on are locked before
/// it reads them, in the order of the module's comment, each kind sorted: the patients'
/// booking locks (whose rows answer who the patients are, `holder.rs`); their and the slots'
/// lapsed holds, cancelled here and answered for [`give_back_lapsed`]; the slots' sessions
/// (shared); the slots; their sessions' pools. Every later statement of the batch reads with
/// a fresh snapshot under these locks. A lapsed hold in a slot outside the group (rare: the
/// worker gives expired holds back every few seconds) has its slot and pool locked when its
/// place is given back, after the others: should that deadlock with another writer, the
/// group runs again (`queue.rs`).
fn push_locks(batch: &mut Batch, asked: &Asked<'_>, patients: &str, slots: &str) -> GroupLocks {
    let list = batch.json_list(patients);
    let holders = batch.push(&format!(
        "INSERT INTO patient_booking_locks (patient_id, version) \
         SELECT value, 1 FROM ({list}) p ORDER BY value \
         ON CONFLICT (patient_id) DO UPDATE SET version = patient_booking_locks.version + 1 \
         RETURNING {HOLDER_COLUMNS}"
    ));
    let now = batch.arg(asked.now);
    let (of_patients, in_slots) = (batch.json_list(patients), batch.json_list(slots));
    let until = batch.arg(asked.now);
    let lapsed = batch.push(&format!(
        "UPDATE appointments SET status = 'cancelled', updated_at = {now} \
         WHERE id IN (SELECT id FROM appointments \
           WHERE (patient_id IN ({of_patients}) OR slot_id IN ({in_slots})) \
             AND status = 'pending' AND hold_expires_at <= {until} \
           ORDER BY id FOR UPDATE) \
         RETURNING slot_id, session_id, pool, id"
    ));
    // A stop-clinic first marks its session suspended: shared locks on the sessions make it
    // wait for this group's commit (and then cancel what the group booked), or make the group
    // wait for its commit (and then read the session as suspended).
    let list = batch.json_list(slots);
    batch.push(&format!(
        "SELECT id FROM clinic_sessions \
         WHERE id IN (SELECT session_id FROM slots WHERE id IN ({list})) ORDER BY id FOR SHARE"
    ));
    let list = batch.json_list(slots);
    batch.push(&format!(
        "SELECT id FROM slots WHERE id IN ({list}) ORDER BY id FOR UPDATE"
    ));
    let list = batch.json_list(slots);
    batch.push(&format!(
        "SELECT session_id FROM session_pools \
         WHERE session_id IN (SELECT session_id FROM slots WHERE id IN ({list})) \
         ORDER BY session_id, pool FOR UPDATE"
    ));
    GroupLocks { holders, lapsed }
}

fn refusal(refused: Refused) -> BookingError {
    match refused {
        Refused::NotFound => BookingError::NotFound,
        Refused::Closed(Closed::Suspended) => BookingError::Suspended,
        Refused::Closed(Closed::Refused(refusal)) => BookingError::Refused(refusal),
    }
}

async fn replay(
    tx: &mut AnyConnection,
    used: &KeyUse,
    hash: &str,
    outcomes: &[Result<Replay, BookingError>],
) -> Result<Result<Replay, BookingError>, StoreError> {
    let (stored_hash, record) = match used {
        KeyUse::Stored(stored_hash, appointment_id) => {
            (stored_hash, fetch_appointment(tx, appointment_id).await?)
        }
        KeyUse::InGroup(stored_hash, index) => {
            let record = match outcomes.get(*index) {
                Some(Ok(first)) => Some(first.appointment().clone()),
                _ => None,
            };
            (stored_hash, record)
        }
    };
    if stored_hash != hash {
        return Ok(Err(BookingError::IdempotencyMismatch));
    }
    Ok(record.map(Replay::Replayed).ok_or(BookingError::NotFound))
}

/// Adds the reads of the slots in the JSON array `slots` and of their sessions; the steps of
/// [`sessions_query`] and [`slots_query`].
fn push_slot_reads(batch: &mut Batch, slots: &str) -> (usize, usize) {
    let list = batch.json_list(slots);
    let sessions = batch.push(&sessions_query(&list));
    let list = batch.json_list(slots);
    (sessions, batch.push(&slots_query(&list)))
}

/// The sessions of the slots (`slots` are their placeholders), each once, with its pools
/// aggregated (`string_agg`: SQLite since 3.44, PostgreSQL). A group's slots share a few
/// sessions: read with every slot, a session's columns were most of the values the group
/// copied out of SQLite.
fn sessions_query(slots: &str) -> String {
    format!(
        "SELECT {SESSION_COLUMNS}, \
           (SELECT string_agg(p.pool || ':' || CAST(p.capacity AS TEXT) || ':' || CAST(p.used AS TEXT), ',') \
              FROM session_pools p WHERE p.session_id = c.id) \
         FROM clinic_sessions c \
         WHERE c.id IN (SELECT session_id FROM slots WHERE id IN ({slots}))"
    )
}

/// The slots (`slots` are their placeholders), one row each, with the queue numbers in use
/// and the earliest expiry of a pending hold aggregated. sqlx hands rows over one at a time,
/// each waking this thread; a row per appointment made hundreds of wake-ups a group. One
/// join walks each slot's active appointments once (two subqueries per slot walked them
/// twice: a tenth of a PostgreSQL group's database time); grouping by the primary key lets
/// both databases answer the slot's other columns.
fn slots_query(slots: &str) -> String {
    let columns = prefixed(SLOT_COLUMNS, "s");
    format!(
        "SELECT {columns}, string_agg(CAST(a.queue_number AS TEXT), ','), \
           MIN(CASE WHEN a.status = 'pending' THEN a.hold_expires_at END) \
         FROM slots s LEFT JOIN appointments a ON a.slot_id = s.id AND a.status IN {ACTIVE} \
         WHERE s.id IN ({slots}) GROUP BY s.id"
    )
}

/// The ledger of the sessions and slots read by [`sessions_query`] and [`slots_query`], with
/// the earliest expiry of a pending hold in each slot (when a full slot could free a place),
/// and the records.
type LedgerRead = (Ledger, HashMap<String, i64>, HashMap<String, Arc<TakenIn>>);

fn ledger_from(session_rows: &[AnyRow], slot_rows: &[AnyRow]) -> Result<LedgerRead, StoreError> {
    let mut ledger = Ledger::default();
    let mut sessions = HashMap::new();
    let pools_at = SESSION_COLUMNS.split(", ").count();
    for row in session_rows {
        let session = session_at(row, 0)?;
        let pools: Option<String> = row.try_get(pools_at)?;
        let pools = parse_pools(pools.as_deref().unwrap_or_default())?;
        let facts = session_facts(&session)?;
        ledger
            .sessions
            .insert(session.id.clone(), SessionLedger { facts, pools });
        sessions.insert(session.id.clone(), Arc::new(session));
    }
    let mut earliest_hold = HashMap::new();
    let mut places = HashMap::new();
    let numbers_at = SLOT_COLUMNS.split(", ").count();
    for row in slot_rows {
        let slot = slot_at(row, 0)?;
        let session = sessions
            .get(&slot.session_id)
            .cloned()
            .ok_or_else(|| StoreError::Corrupt(format!("slot {} has no session", slot.id)))?;
        let numbers: Option<String> = row.try_get(numbers_at)?;
        if let Some(expiry) = row.try_get::<Option<i64>, _>(numbers_at + 1)? {
            earliest_hold.insert(slot.id.clone(), expiry);
        }
        ledger.slots.insert(
            slot.id.clone(),
            SlotLedger {
                session_id: slot.session_id.clone(),
                starts_at: slot.starts_at,
                capacity: slot.capacity,
                booked: slot.booked,
                held: slot.held,
                first_queue_number: slot.first_queue_number,
                taken_numbers: parse_numbers(numbers.as_deref().unwrap_or_default())?,
            },
        );
        places.insert(slot.id.clone(), Arc::new(TakenIn { slot, session }));
    }
    Ok((ledger, earliest_hold, places))
}

/// Puts a slot the group writer knows into the group's read, as if read: a session read
/// afresh for another slot is kept (both are the same while the memory is current).
fn add_known(
    ledger: &mut Ledger,
    earliest_hold: &mut HashMap<String, i64>,
    places: &mut HashMap<String, Arc<TakenIn>>,
    slot: &str,
    kept: &KnownSlot,
    session: &KnownSession,
) {
    ledger
        .sessions
        .entry(kept.ledger.session_id.clone())
        .or_insert_with(|| session.ledger.clone());
    ledger.slots.insert(slot.to_owned(), kept.ledger.clone());
    if let Some(expiry) = kept.earliest_hold {
        earliest_hold.insert(slot.to_owned(), expiry);
    }
    let taken_in = TakenIn {
        slot: kept.record.clone(),
        session: Arc::clone(&session.record),
    };
    places.insert(slot.to_owned(), Arc::new(taken_in));
}

/// `online:60:3,window:20:0`: each pool with its capacity and places used.
fn parse_pools(text: &str) -> Result<HashMap<Pool, (i64, i64)>, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("session pools {text}"));
    let mut pools = HashMap::new();
    for item in text.split(',').filter(|item| !item.is_empty()) {
        let mut parts = item.split(':');
        let (Some(pool), Some(capacity), Some(used), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(corrupt());
        };
        let pool = Pool::from_code(pool).ok_or_else(corrupt)?;
        let counts = (
            capacity.parse().map_err(|_| corrupt())?,
            used.parse().map_err(|_| corrupt())?,
        );
        pools.insert(pool, counts);
    }
    Ok(pools)
}

/// `3,1,2`: the queue numbers in use in a slot.
fn parse_numbers(text: &str) -> Result<BTreeSet<i64>, StoreError> {
    text.split(',')
        .filter(|n| !n.is_empty())
        .map(|n| {
            n.parse()
                .map_err(|_| StoreError::Corrupt(format!("queue numbers {text}")))
        })
        .collect()
}

/// The patients' active bookings and no-shows (rows of the read batch's patient statement).
fn add_patients(ledger: &mut Ledger, patients: &[&str], rows: &[AnyRow]) -> Result<(), StoreError> {
    for patient in patients {
        ledger
            .patients
            .insert((*patient).to_owned(), PatientLedger::default());
    }
    for row in rows {
        let patient: String = row.try_get(0)?;
        let date = parse_date(&row.try_get::<String, _>(1)?)?;
        let status: String = row.try_get(5)?;
        let Some(p) = ledger.patients.get_mut(&patient) else {
            continue;
        };
        if status == AppointmentStatus::Noshow.code() {
            p.noshows.push(date);
            continue;
        }
        let booking = ExistingBooking {
            date,
            hospital: row.try_get(2)?,
            department: row.try_get(3)?,
            period: parse_period(&row.try_get::<String, _>(4)?)?,
        };
        let status = AppointmentStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?;
        p.active.push((booking, status));
    }
    Ok(())
}

/// Adds the accepted places: slot and pool counters (conditional), then the rows. Returns the
/// counter statements with the number of rows each must change.
fn push_places(
    batch: &mut Batch,
    written: &[(&AppointmentRecord, &str)],
) -> Vec<(usize, u64, &'static str)> {
    if written.is_empty() {
        return Vec::new();
    }
    let mut per_slot: HashMap<&str, (i64, i64)> = HashMap::new();
    let mut per_pool: HashMap<(&str, &str), i64> = HashMap::new();
    for (a, _) in written {
        let counts = per_slot.entry(&a.slot_id).or_default();
        if a.status == AppointmentStatus::Pending {
            counts.1 += 1;
        } else {
            counts.0 += 1;
        }
        *per_pool.entry((&a.session_id, a.pool.code())).or_default() += 1;
    }

    // `UPDATE … FROM` joins each row of `v` to its slot by primary key; correlated
    // subqueries on `v` (which has no index) cost a scan of `v` per slot and per column.
    let counts = batch.json_rows(
        per_slot
            .iter()
            .map(|(id, (booked, held))| [(*id).into(), (*booked).into(), (*held).into()]),
    );
    let slots = batch.push(&format!(
        "WITH v(id, booked, held) AS ({counts}) \
         UPDATE slots SET booked = slots.booked + v.booked, held = slots.held + v.held \
         FROM v WHERE slots.id = v.id \
           AND slots.booked + slots.held + v.booked + v.held <= slots.capacity"
    ));

    let counts = batch.json_rows(
        per_pool
            .iter()
            .map(|((session, pool), n)| [(*session).into(), (*pool).into(), (*n).into()]),
    );
    let pools = batch.push(&format!(
        "WITH v(session_id, pool, n) AS ({counts}) \
         UPDATE session_pools SET used = session_pools.used + v.n \
         FROM v WHERE session_pools.session_id = v.session_id AND session_pools.pool = v.pool \
           AND session_pools.used + v.n <= session_pools.capacity"
    ));

    let rows = written.iter().map(|(a, hospital)| {
        [
            a.id.clone().into(),
            a.patient_id.clone().into(),
            a.account_id.clone().into(),
            a.slot_id.clone().into(),
            a.session_id.clone().into(),
            (*hospital).into(),
            a.department_id.clone().into(),
            a.session_date.clone().into(),
            a.period.clone().into(),
            a.status.code().into(),
            a.pool.code().into(),
            a.channel.clone().into(),
            a.queue_number.into(),
            a.hold_expires_at.into(),
            a.created_at.into(),
            a.updated_at.into(),
        ]
    });
    let source = batch.row_source(rows);
    batch.push(&format!(
        "INSERT INTO appointments (id, patient_id, account_id, slot_id, session_id, hospital_id, \
         department_id, session_date, period, status, pool, channel, queue_number, \
         hold_expires_at, created_at, updated_at) {source}"
    ));
    vec![
        (slots, per_slot.len() as u64, "slots"),
        (pools, per_pool.len() as u64, "pools"),
    ]
}

/// Adds the group's new `Idempotency-Key`s: `(account, key, request hash, appointment id)`.
fn push_keys(batch: &mut Batch, keys: &[(&str, &str, &str, String)], now: i64) {
    if keys.is_empty() {
        return;
    }
    let rows = batch.json_rows(keys.iter().map(|(account, key, hash, appointment)| {
        [
            (*account).into(),
            (*key).into(),
            (*hash).into(),
            appointment.clone().into(),
            now.into(),
        ]
    }));
    batch.push(&format!(
        "INSERT INTO idempotency_keys (account_id, key, request_hash, appointment_id, created_at) \
         {rows}"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregated_pools_and_numbers_are_read_back() {
        let pools = parse_pools("online:60:3,window:20:0").unwrap();
        assert_eq!(pools.get(&Pool::Online), Some(&(60, 3)));
        assert_eq!(pools.get(&Pool::Window), Some(&(20, 0)));
        assert!(parse_pools("").unwrap().is_empty());
        assert!(parse_pools("online:60").is_err());
        assert!(parse_pools("moon:1:0").is_err());
        assert_eq!(parse_numbers("3,1,2").unwrap(), BTreeSet::from([1, 2, 3]));
        assert!(parse_numbers("").unwrap().is_empty());
        assert!(parse_numbers("1,x").is_err());
    }

    #[test]
    fn distinct_keeps_the_first_of_each_in_order() {
        assert_eq!(distinct(["b", "a", "b", "c"].into_iter()), ["b", "a", "c"]);
    }
}
