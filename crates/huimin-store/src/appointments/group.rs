//! A group of bookings decided together (SQLite's single writer).
//!
//! Taking places one request at a time costs about a dozen statements each. Here the group
//! costs about ten statements in all: the writer reads everything the group touches (slots
//! and sessions, pools, queue numbers in use, the patients' active bookings and no-shows,
//! earlier uses of the requests' `Idempotency-Key`s), decides each request in arrival order
//! with the pure [`Ledger`], and writes the accepted ones with multi-row statements. The
//! snapshot is exact because this connection is the only writer and the reads are made inside
//! the group's write transaction.
//!
//! The counter updates keep their conditions (`booked + held + n <= capacity`) and the number
//! of rows they change is checked, so a ledger bug cannot oversell: the group fails, is rolled
//! back and is run again request by request (`queue::commit_group`).

use std::collections::{BTreeSet, HashMap, HashSet};

use huimin_domain::appointments::{
    AppointmentStatus, Ask, Closed, ExistingBooking, Ledger, PatientLedger, Pool, Refused,
    SessionLedger, SlotLedger,
};
use sqlx::{AnyConnection, Row};

use super::booking::{
    BookingError, BookingMode, PlaceRequest, Replay, channel_code, fetch_appointment, parse_date,
    parse_period, release_expired_where, session_facts,
};
use super::hint::FullSlots;
use super::sessions::{SESSION_COLUMNS, prefixed, session_at, slot_at};
use super::{ACTIVE, AppointmentRecord};
use crate::StoreError;
use crate::sql::{placeholders, tuples};

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

/// Decides and writes a group inside `tx` (which the caller commits). The outer `Err` is a
/// database failure: the caller rolls the group back.
pub(crate) async fn decide_group(
    tx: &mut AnyConnection,
    requests: &[PlaceRequest<'_>],
    full_slots: &FullSlots,
) -> Result<Vec<Result<Replay, BookingError>>, StoreError> {
    let now = requests
        .iter()
        .map(|r| r.now.as_microsecond())
        .max()
        .unwrap_or_default();
    let patients = distinct(requests.iter().map(|r| r.patient_id));
    let slots = distinct(requests.iter().map(|r| r.slot_id));

    // Lapsed holds of these patients or in these slots give their places back first.
    let condition = format!(
        "(patient_id IN ({}) OR slot_id IN ({}))",
        placeholders(2, patients.len()),
        placeholders(2 + patients.len(), slots.len())
    );
    let values: Vec<&str> = patients.iter().chain(slots.iter()).copied().collect();
    let freed = release_expired_where(tx, &condition, &values, now).await?;
    if !freed.is_empty() {
        full_slots.forget_all();
    }

    let mut keys = stored_keys(tx, requests).await?;
    let (mut ledger, mut earliest_hold) = load_ledger(tx, &slots, &patients).await?;

    let mut outcomes: Vec<Result<Replay, BookingError>> = Vec::with_capacity(requests.len());
    let mut written: Vec<(AppointmentRecord, String)> = Vec::new();
    let mut new_keys: Vec<(&str, &str, &str, String)> = Vec::new();
    for (index, r) in requests.iter().enumerate() {
        let key = r.account_id.zip(r.idempotency);
        if let Some((account, (key, hash))) = key
            && let Some(used) = keys.get(&(account.to_owned(), key.to_owned()))
        {
            outcomes.push(replay(tx, used, hash, &outcomes).await?);
            continue;
        }
        let ask = Ask {
            slot_id: r.slot_id,
            patient_id: r.patient_id,
            channel: r.channel,
            is_elderly: r.is_elderly,
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
        let Some(slot) = ledger.slots.get(r.slot_id) else {
            return Err(StoreError::Corrupt("slot left the ledger".into()));
        };
        let Some(session) = ledger.sessions.get(&slot.session_id) else {
            return Err(StoreError::Corrupt("session left the ledger".into()));
        };
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
            id: uuid::Uuid::new_v4().to_string(),
            patient_id: r.patient_id.to_owned(),
            account_id: r.account_id.map(str::to_owned),
            slot_id: r.slot_id.to_owned(),
            session_id: slot.session_id.clone(),
            department_id: session.facts.department.clone(),
            session_date: session.facts.date.to_string(),
            period: session.facts.period.code().to_owned(),
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
        written.push((record.clone(), session.facts.hospital.clone()));
        outcomes.push(Ok(Replay::Fresh(record)));
    }

    write_places(tx, &written).await?;
    write_keys(tx, &new_keys).await?;
    for slot in &slots {
        if ledger.is_full(slot) {
            full_slots.mark_full(slot, now, earliest_hold.get(*slot).copied());
        }
    }
    Ok(outcomes)
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

/// Earlier uses of the group's keys, by `(account, key)`.
async fn stored_keys(
    tx: &mut AnyConnection,
    requests: &[PlaceRequest<'_>],
) -> Result<HashMap<(String, String), KeyUse>, StoreError> {
    let keys = distinct(
        requests
            .iter()
            .filter_map(|r| r.idempotency.map(|(k, _)| k)),
    );
    let mut found = HashMap::new();
    if keys.is_empty() {
        return Ok(found);
    }
    let sql = format!(
        "SELECT account_id, key, request_hash, appointment_id FROM idempotency_keys WHERE key IN ({})",
        placeholders(1, keys.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for key in &keys {
        query = query.bind(key.to_string());
    }
    for row in query.fetch_all(&mut *tx).await? {
        found.insert(
            (row.try_get(0)?, row.try_get(1)?),
            KeyUse::Stored(row.try_get(2)?, row.try_get(3)?),
        );
    }
    Ok(found)
}

/// The slots with their sessions and pools, the numbers in use, and the patients; with the
/// earliest expiry of a pending hold in each slot (when a full slot could free a place).
async fn load_ledger(
    tx: &mut AnyConnection,
    slots: &[&str],
    patients: &[&str],
) -> Result<(Ledger, HashMap<String, i64>), StoreError> {
    let mut ledger = Ledger::default();
    // The slots with their sessions and the sessions' pools: a row per slot and pool.
    let sql = format!(
        "SELECT {}, s.id, s.session_id, s.starts_at, s.ends_at, s.capacity, s.booked, s.held, \
           s.first_queue_number, s.extra, p.pool, p.capacity, p.used \
         FROM slots s JOIN clinic_sessions c ON c.id = s.session_id \
           LEFT JOIN session_pools p ON p.session_id = s.session_id \
         WHERE s.id IN ({})",
        prefixed(SESSION_COLUMNS, "c"),
        placeholders(1, slots.len())
    );
    let width = SESSION_COLUMNS.split(", ").count();
    let pool_at = width + 9;
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for slot in slots {
        query = query.bind(slot.to_string());
    }
    for row in query.fetch_all(&mut *tx).await? {
        let (slot, session) = (slot_at(&row, width)?, session_at(&row, 0)?);
        let pool: Option<String> = row.try_get(pool_at)?;
        if !ledger.sessions.contains_key(&session.id) {
            let facts = session_facts(&session)?;
            let pools = HashMap::new();
            ledger
                .sessions
                .insert(session.id.clone(), SessionLedger { facts, pools });
        }
        if let (Some(pool), Some(entry)) = (pool, ledger.sessions.get_mut(&session.id)) {
            let pool = Pool::from_code(&pool)
                .ok_or_else(|| StoreError::Corrupt(format!("pool {pool}")))?;
            let counts = (row.try_get(pool_at + 1)?, row.try_get(pool_at + 2)?);
            entry.pools.insert(pool, counts);
        }
        ledger.slots.entry(slot.id.clone()).or_insert(SlotLedger {
            session_id: slot.session_id,
            starts_at: slot.starts_at,
            capacity: slot.capacity,
            booked: slot.booked,
            held: slot.held,
            first_queue_number: slot.first_queue_number,
            taken_numbers: BTreeSet::new(),
        });
    }
    let mut earliest_hold: HashMap<String, i64> = HashMap::new();
    if ledger.slots.is_empty() {
        return Ok((load_patients(tx, patients, ledger).await?, earliest_hold));
    }

    let slot_ids: Vec<String> = ledger.slots.keys().cloned().collect();
    let sql = format!(
        "SELECT slot_id, queue_number, status, hold_expires_at FROM appointments \
         WHERE slot_id IN ({}) AND status IN {ACTIVE}",
        placeholders(1, slot_ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for id in &slot_ids {
        query = query.bind(id.clone());
    }
    for row in query.fetch_all(&mut *tx).await? {
        let slot: String = row.try_get(0)?;
        let status: String = row.try_get(2)?;
        if status == AppointmentStatus::Pending.code()
            && let Some(expiry) = row.try_get::<Option<i64>, _>(3)?
        {
            let earliest = earliest_hold.entry(slot.clone()).or_insert(expiry);
            *earliest = (*earliest).min(expiry);
        }
        if let Some(s) = ledger.slots.get_mut(&slot) {
            s.taken_numbers.insert(row.try_get(1)?);
        }
    }
    Ok((load_patients(tx, patients, ledger).await?, earliest_hold))
}

async fn load_patients(
    tx: &mut AnyConnection,
    patients: &[&str],
    mut ledger: Ledger,
) -> Result<Ledger, StoreError> {
    for patient in patients {
        ledger
            .patients
            .insert((*patient).to_owned(), PatientLedger::default());
    }
    // One read for both: the active bookings, and the no-shows (status `noshow`).
    let list = placeholders(1, patients.len());
    let sql = format!(
        "SELECT patient_id, session_date, hospital_id, department_id, period, status FROM appointments \
         WHERE patient_id IN ({list}) AND status IN {ACTIVE} \
         UNION ALL SELECT patient_id, session_date, '', '', '', 'noshow' FROM noshows WHERE patient_id IN ({list})"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for patient in patients {
        query = query.bind(patient.to_string());
    }
    for row in query.fetch_all(&mut *tx).await? {
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
    Ok(ledger)
}

/// The accepted places: slot and pool counters (conditional, checked), then the rows.
async fn write_places(
    tx: &mut AnyConnection,
    written: &[(AppointmentRecord, String)],
) -> Result<(), StoreError> {
    if written.is_empty() {
        return Ok(());
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

    let sql = format!(
        "WITH v(id, booked, held) AS (VALUES {}) \
         UPDATE slots SET booked = booked + (SELECT v.booked FROM v WHERE v.id = slots.id), \
           held = held + (SELECT v.held FROM v WHERE v.id = slots.id) \
         WHERE id IN (SELECT id FROM v) \
           AND booked + held + (SELECT v.booked + v.held FROM v WHERE v.id = slots.id) <= capacity",
        tuples(per_slot.len(), 3, "")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for (id, (booked, held)) in &per_slot {
        query = query.bind(id.to_string()).bind(*booked).bind(*held);
    }
    let changed = query.execute(&mut *tx).await?.rows_affected();
    if changed != per_slot.len() as u64 {
        return Err(StoreError::Batch(format!(
            "{} of {} slots took their places",
            changed,
            per_slot.len()
        )));
    }

    let sql = format!(
        "WITH v(session_id, pool, n) AS (VALUES {}) \
         UPDATE session_pools SET used = used + (SELECT v.n FROM v \
             WHERE v.session_id = session_pools.session_id AND v.pool = session_pools.pool) \
         WHERE (session_id, pool) IN (SELECT session_id, pool FROM v) \
           AND used + (SELECT v.n FROM v WHERE v.session_id = session_pools.session_id \
             AND v.pool = session_pools.pool) <= capacity",
        tuples(per_pool.len(), 3, "")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for ((session, pool), n) in &per_pool {
        query = query
            .bind(session.to_string())
            .bind(pool.to_string())
            .bind(*n);
    }
    let changed = query.execute(&mut *tx).await?.rows_affected();
    if changed != per_pool.len() as u64 {
        return Err(StoreError::Batch(format!(
            "{} of {} pools took their places",
            changed,
            per_pool.len()
        )));
    }

    let sql = format!(
        "INSERT INTO appointments (id, patient_id, account_id, slot_id, session_id, hospital_id, department_id, \
         session_date, period, status, pool, channel, queue_number, hold_expires_at, created_at, updated_at) \
         VALUES {}",
        tuples(written.len(), 16, "")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for (a, hospital) in written {
        query = query
            .bind(a.id.clone())
            .bind(a.patient_id.clone())
            .bind(a.account_id.clone())
            .bind(a.slot_id.clone())
            .bind(a.session_id.clone())
            .bind(hospital.clone())
            .bind(a.department_id.clone())
            .bind(a.session_date.clone())
            .bind(a.period.clone())
            .bind(a.status.code())
            .bind(a.pool.code())
            .bind(a.channel.clone())
            .bind(a.queue_number)
            .bind(a.hold_expires_at)
            .bind(a.created_at)
            .bind(a.updated_at);
    }
    query.execute(&mut *tx).await?;
    Ok(())
}

async fn write_keys(
    tx: &mut AnyConnection,
    keys: &[(&str, &str, &str, String)],
) -> Result<(), StoreError> {
    if keys.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO idempotency_keys (account_id, key, request_hash, appointment_id, created_at) VALUES {}",
        tuples(keys.len(), 5, "")
    );
    let now = crate::now_micros();
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for (account, key, hash, appointment) in keys {
        query = query
            .bind(account.to_string())
            .bind(key.to_string())
            .bind(hash.to_string())
            .bind(appointment.clone())
            .bind(now);
    }
    query.execute(&mut *tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_keeps_the_first_of_each_in_order() {
        assert_eq!(distinct(["b", "a", "b", "c"].into_iter()), ["b", "a", "c"]);
    }
}
