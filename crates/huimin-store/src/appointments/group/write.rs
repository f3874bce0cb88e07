//! Stage 3: the group's decisions written as multi-row statements: the slot and pool counters
//! (conditional, their changed rows checked), the appointment rows, the new keys, and the
//! audit records (a booking is never answered without its record: both go in this
//! transaction).

use std::collections::HashMap;

use huimin_domain::appointments::AppointmentStatus;
use sqlx::AnyConnection;

use super::super::AppointmentRecord;
use super::super::booking::{PlaceRequest, booking_audits};
use super::decide::{Decided, NewKey};
use super::read::Asked;
use super::sqlite;
use crate::messages::CHANNELS;
use crate::sql::{Batch, Step};
use crate::{NewAuditRecord, StoreError};

/// A counter statement's step, the rows it must change, and what they are.
type Counted = (usize, u64, &'static str);

/// Writes what the group decided, in one batch (on PostgreSQL the audit records follow,
/// appended by `audit::append_in`).
pub(super) async fn write_group(
    tx: &mut AnyConnection,
    key: &huimin_domain::audit::ChainKey,
    requests: &[PlaceRequest<'_>],
    decided: &Decided<'_>,
    asked: &Asked<'_>,
) -> Result<(), StoreError> {
    let records = booking_audits(requests, &decided.outcomes);
    let records: Vec<&NewAuditRecord> = records.iter().collect();
    // Every statement's text is independent of the group's size: kept prepared.
    let mut batch = Batch::default().stable().postgres(asked.postgres);
    let counted = push_places(&mut batch, &decided.written());
    push_keys(&mut batch, &decided.new_keys, asked.now);
    push_events(&mut batch, &decided.written(), asked.now);
    if let Some(head) = &decided.audit_head {
        sqlite::push_audit(&mut batch, key, &records, head.clone());
    }
    if !batch.is_empty() {
        let steps = batch.run(tx).await?;
        check_counts(&steps, &counted)?;
    }
    // PostgreSQL: the audit chain's head is the transaction's last lock (other processes'
    // groups and the audit batcher wait on it), taken after the places, so it is held only
    // until the commit.
    if asked.postgres && !records.is_empty() {
        crate::audit::append_in(tx, key, &records).await?;
    }
    Ok(())
}

/// Fails the group when a counter statement did not change exactly the rows the ledger
/// decided (a slot or pool would have gone over its capacity).
fn check_counts(steps: &[Step], counted: &[Counted]) -> Result<(), StoreError> {
    for (step, expected, what) in counted {
        let changed = steps.get(*step).map_or(0, |s| s.changed);
        if changed != *expected {
            return Err(StoreError::Batch(format!(
                "{changed} of {expected} {what} took their places"
            )));
        }
    }
    Ok(())
}

/// Adds the accepted places: slot and pool counters (conditional), then the rows. Returns the
/// counter statements with the number of rows each must change.
fn push_places(batch: &mut Batch, written: &[(&AppointmentRecord, &str)]) -> Vec<Counted> {
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
    push_rows(batch, written);
    vec![
        (slots, per_slot.len() as u64, "slots"),
        (pools, per_pool.len() as u64, "pools"),
    ]
}

/// Adds the appointment rows.
fn push_rows(batch: &mut Batch, written: &[(&AppointmentRecord, &str)]) {
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
    let source = batch.json_rows(rows);
    batch.push(&format!(
        "INSERT INTO appointments (id, patient_id, account_id, slot_id, session_id, hospital_id, \
         department_id, session_date, period, status, pool, channel, queue_number, \
         hold_expires_at, created_at, updated_at) {source}"
    ));
}

/// Adds a `booked` event to the outbox for each place booked (a hold is told when it is paid
/// for or lapses), with its deliveries.
fn push_events(batch: &mut Batch, written: &[(&AppointmentRecord, &str)], now: i64) {
    let booked: Vec<(String, &AppointmentRecord)> = written
        .iter()
        .filter(|(a, _)| a.status == AppointmentStatus::Booked)
        .map(|(a, _)| (uuid::Uuid::new_v4().to_string(), *a))
        .collect();
    if booked.is_empty() {
        return;
    }
    let events = batch.json_rows(booked.iter().map(|(id, a)| {
        [
            id.clone().into(),
            "booked".into(),
            a.patient_id.clone().into(),
            format!("Appointment/{}", a.id).into(),
            serde_json::json!({"appointment": a.id}).to_string().into(),
            now.into(),
        ]
    }));
    batch.push(&format!(
        "INSERT INTO outbox_events (id, kind, patient_id, reference, params, created_at) {events}"
    ));
    let deliveries = batch.json_rows(booked.iter().flat_map(|(id, _)| {
        CHANNELS.iter().map(move |channel| {
            [
                id.clone().into(),
                (*channel).into(),
                "pending".into(),
                0i64.into(),
                now.into(),
            ]
        })
    }));
    batch.push(&format!(
        "INSERT INTO outbox_deliveries (event_id, channel, status, attempts, due_at) {deliveries}"
    ));
}

/// Adds the group's new `Idempotency-Key`s.
fn push_keys(batch: &mut Batch, keys: &[NewKey<'_>], now: i64) {
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
