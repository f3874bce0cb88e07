//! Stage 1: what a group decides on, read in one batch.
//!
//! The lists (patients, slots, keys) go as JSON arrays, so the batch's text depends only on
//! whether there are keys and the batch is kept prepared (a text with hundreds of
//! placeholders would be prepared again for every group, at a large share of SQLite's
//! connection thread's time in a booking rush). Each
//! list is serialised once and bound by every statement that reads it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use huimin_domain::appointments::{
    AppointmentStatus, ExistingBooking, Ledger, PatientLedger, Pool, SessionLedger, SlotLedger,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::super::ACTIVE;
use super::super::booking::{
    PlaceRequest, TakenIn, give_back_lapsed, parse_date, parse_period, session_facts,
};
use super::super::hint::FullSlots;
use super::super::holder::Holder;
use super::super::sessions::{SESSION_COLUMNS, SLOT_COLUMNS, prefixed, session_at, slot_at};
use super::{postgres, sqlite};
use crate::StoreError;
use crate::sql::{Batch, JsonList};

/// What a group asks about.
pub(super) struct Asked<'a> {
    /// The group's instant: the latest of its requests'.
    pub now: i64,
    pub postgres: bool,
    pub patients: Vec<&'a str>,
    pub slots: Vec<&'a str>,
    pub keys: Vec<&'a str>,
    pub patient_list: JsonList,
    pub slot_list: JsonList,
}

impl<'a> Asked<'a> {
    pub(super) fn of(requests: &'a [PlaceRequest<'_>], postgres: bool) -> Self {
        let now = requests
            .iter()
            .map(|r| r.now.as_microsecond())
            .max()
            .unwrap_or_default();
        let patients = distinct(requests.iter().map(|r| r.patient_id));
        let slots = distinct(requests.iter().map(|r| r.slot_id));
        let keys = requests
            .iter()
            .filter_map(|r| r.idempotency.map(|(k, _)| k));
        Self::new(now, postgres, patients, slots, distinct(keys))
    }

    fn new(
        now: i64,
        postgres: bool,
        patients: Vec<&'a str>,
        slots: Vec<&'a str>,
        keys: Vec<&'a str>,
    ) -> Self {
        Self {
            patient_list: JsonList::new(patients.iter().copied()),
            slot_list: JsonList::new(slots.iter().copied()),
            now,
            postgres,
            patients,
            slots,
            keys,
        }
    }
}

/// Each value once, in the order first seen.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    values.filter(|v| seen.insert(*v)).collect()
}

/// What the group's earlier requests did with an `Idempotency-Key`.
pub(super) enum KeyUse {
    /// Stored before this group: `(request hash, appointment id)`.
    Stored(String, String),
    /// Accepted earlier in this group: `(request hash, index of its outcome)`.
    InGroup(String, usize),
}

/// What the read batch found.
pub(super) struct State {
    pub keys: HashMap<(String, String), KeyUse>,
    pub ledger: Ledger,
    /// The earliest expiry of a pending hold in each slot (when a full slot frees a place).
    pub earliest_hold: HashMap<String, i64>,
    /// Each slot with its session, for the answers (which share them).
    pub places: HashMap<String, Arc<TakenIn>>,
    /// The patients that exist, by id.
    pub holders: HashMap<String, Holder>,
    /// SQLite: the audit chain's head, read in the batch (PostgreSQL locks it when writing).
    pub audit_head: Option<(i64, String)>,
}

/// Where the rows of the statements before the common reads are ([`sqlite::push_lead`],
/// [`postgres::push_locks`]).
#[derive(Default)]
pub(super) struct Lead {
    /// The lapsed holds cancelled (rows for [`give_back_lapsed`]).
    pub lapsed: Option<usize>,
    /// Who the patients are.
    pub holders: Option<HoldersAt>,
}

/// The statement that answers who the patients are.
pub(super) enum HoldersAt {
    /// One row per patient (PostgreSQL's locks, `holder::HOLDER_COLUMNS`).
    Rows(usize),
    /// One row holding a JSON array (SQLite, `holder::holders_json_query`).
    Json(usize),
}

/// The group's state. Lapsed holds of its patients or in its slots give their places back
/// first; they are rare, so the state is read again only when there were some (giving
/// places back changes no patient's facts: those are not read again).
pub(super) async fn read_group(
    tx: &mut AnyConnection,
    asked: &Asked<'_>,
    full_slots: &FullSlots,
) -> Result<State, StoreError> {
    let (lapsed, state) = read_state(tx, asked, true, None).await?;
    if lapsed.is_empty() {
        return Ok(state);
    }
    for row in &lapsed {
        give_back_lapsed(tx, row, asked.now).await?;
    }
    full_slots.forget_all();
    let (_, state) = read_state(tx, asked, false, Some(state.holders)).await?;
    Ok(state)
}

/// Runs the read batch on empty lists, with and without keys, so its statements are prepared.
pub(super) async fn prepare(tx: &mut AnyConnection, postgres: bool) -> Result<(), StoreError> {
    for keys in [Vec::new(), vec![""]] {
        let asked = Asked::new(0, postgres, Vec::new(), Vec::new(), keys);
        read_state(tx, &asked, true, None).await?;
    }
    Ok(())
}

/// One batch: (when `release`) the dialect's lead — PostgreSQL's locks, the lapsed holds
/// cancelled, who the patients are unless `holders` are given — then the keys, the slots
/// with their sessions, the patients' bookings and, on SQLite, the audit head. Answers the
/// lapsed holds' rows with the state.
async fn read_state(
    tx: &mut AnyConnection,
    asked: &Asked<'_>,
    release: bool,
    holders: Option<HashMap<String, Holder>>,
) -> Result<(Vec<AnyRow>, State), StoreError> {
    let mut batch = Batch::default().stable().postgres(asked.postgres);
    let lead = match (asked.postgres, release) {
        (true, true) => postgres::push_locks(&mut batch, asked),
        (true, false) => Lead::default(),
        (false, _) => sqlite::push_lead(&mut batch, asked, release, holders.is_none()),
    };
    let keys = (!asked.keys.is_empty()).then(|| {
        let list = batch.json_list(&JsonList::new(asked.keys.iter().copied()));
        batch.push(&format!(
            "SELECT account_id, key, request_hash, appointment_id FROM idempotency_keys \
             WHERE key IN ({list})"
        ))
    });
    let list = batch.json_list(&asked.slot_list);
    let session_rows = batch.push(&sessions_query(&list));
    let list = batch.json_list(&asked.slot_list);
    let slot_rows = batch.push(&slots_query(&list));
    let patient_rows = push_patient_bookings(&mut batch, &asked.patient_list);
    let head = (!asked.postgres).then(|| sqlite::push_head(&mut batch));

    let mut steps = batch.run(tx).await?;
    let mut rows = |step: usize| std::mem::take(&mut steps[step].rows);
    let lapsed = lead.lapsed.map(&mut rows).unwrap_or_default();
    let holders = match (holders, lead.holders) {
        (Some(holders), _) => holders,
        (None, Some(at)) => at.holders(&mut rows)?,
        (None, None) => {
            return Err(StoreError::Corrupt(
                "patients neither given nor read".into(),
            ));
        }
    };
    let keys = keys_from(&keys.map(&mut rows).unwrap_or_default())?;
    let (mut ledger, earliest_hold, places) = ledger_from(&rows(session_rows), &rows(slot_rows))?;
    add_patients(&mut ledger, &asked.patients, &rows(patient_rows))?;
    let audit_head = head
        .map(|step| sqlite::head_from(&rows(step)))
        .transpose()?;
    let state = State {
        keys,
        ledger,
        earliest_hold,
        places,
        holders,
        audit_head,
    };
    Ok((lapsed, state))
}

impl HoldersAt {
    fn holders(
        self,
        rows: &mut impl FnMut(usize) -> Vec<AnyRow>,
    ) -> Result<HashMap<String, Holder>, StoreError> {
        match self {
            HoldersAt::Rows(step) => super::super::holder::holders_from(&rows(step)),
            HoldersAt::Json(step) => sqlite::holders_from_row(&rows(step)),
        }
    }
}

/// The patients' active bookings and no-shows, one row each (see [`add_patients`]).
fn push_patient_bookings(batch: &mut Batch, patients: &JsonList) -> usize {
    let booked_by = batch.json_list(patients);
    let missed_by = batch.json_list(patients);
    batch.push(&format!(
        "SELECT patient_id, session_date, hospital_id, department_id, period, status \
         FROM appointments WHERE patient_id IN ({booked_by}) AND status IN {ACTIVE} \
         UNION ALL SELECT patient_id, session_date, '', '', '', 'noshow' FROM noshows \
         WHERE patient_id IN ({missed_by})"
    ))
}

fn keys_from(rows: &[AnyRow]) -> Result<HashMap<(String, String), KeyUse>, StoreError> {
    let mut found = HashMap::with_capacity(rows.len());
    for row in rows {
        found.insert(
            (row.try_get(0)?, row.try_get(1)?),
            KeyUse::Stored(row.try_get(2)?, row.try_get(3)?),
        );
    }
    Ok(found)
}

/// The sessions of the slots (`slots` are their placeholders), each once, with its pools
/// aggregated (`string_agg`: SQLite since 3.44, PostgreSQL). A group's slots share a few
/// sessions: read with every slot, a session's columns would be most of the values the group
/// copies out of SQLite.
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
/// join walks each slot's active appointments once; grouping by the primary key lets both
/// databases answer the slot's other columns.
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
/// the earliest expiry of a pending hold in each slot, and the records.
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

/// The patients' active bookings and no-shows (rows of [`push_patient_bookings`]).
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
