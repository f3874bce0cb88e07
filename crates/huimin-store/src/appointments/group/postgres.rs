//! PostgreSQL's dialect of a booking group. Other processes book too, so the read batch first
//! locks what the group decides on, each kind sorted: the patients' booking locks (whose rows
//! say who the patients are, `holder.rs`), their lapsed holds, the slots' sessions (shared),
//! the slots, the sessions' pools. A booking alone takes the same locks, but its session's
//! before its lapsed holds: a shared lock conflicts only with a writer of the session
//! (stop-clinic, calling, extra places), and each of those takes it first. Under those locks
//! every later statement (each with a fresh snapshot) reads what no one else can change
//! until the commit: a slot's counters and queue numbers change only under its lock, a
//! patient's bookings only under theirs. The audit chain's head is locked last, after the
//! places, so it is held only until the commit.
//!
//! Every statement goes with its values bound (`sql::Batch`): no patient reference, actor or
//! address is ever part of a statement's text, which PostgreSQL shows in `pg_stat_activity`
//! and writes into its log.

use super::super::holder::HOLDER_COLUMNS;
use super::read::{Asked, HoldersAt, Lead};
use crate::sql::Batch;

/// Locks the rows the group decides on, in the order of the module's comment, and cancels
/// its lapsed holds (answered for `give_back_lapsed`). A lapsed hold in a slot outside the
/// group (rare: the worker gives expired holds back every few seconds) has its slot and pool
/// locked when its place is given back, after the others: should that deadlock with another
/// writer, the group runs again (`group_writer.rs`).
pub(super) fn push_locks(batch: &mut Batch, asked: &Asked<'_>) -> Lead {
    let list = batch.json_list(&asked.patient_list);
    let holders = batch.push(&format!(
        "INSERT INTO patient_booking_locks (patient_id, version) \
         SELECT value, 1 FROM ({list}) p ORDER BY value \
         ON CONFLICT (patient_id) DO UPDATE SET version = patient_booking_locks.version + 1 \
         RETURNING {HOLDER_COLUMNS}"
    ));
    let now = batch.arg(asked.now);
    let of_patients = batch.json_list(&asked.patient_list);
    let in_slots = batch.json_list(&asked.slot_list);
    let until = batch.arg(asked.now);
    let lapsed = batch.push(&format!(
        "UPDATE appointments SET status = 'cancelled', cancel_reason = 'hold-lapsed', \
         updated_at = {now} WHERE id IN (SELECT id FROM appointments \
           WHERE (patient_id IN ({of_patients}) OR slot_id IN ({in_slots})) \
             AND status = 'pending' AND hold_expires_at <= {until} \
           ORDER BY id FOR UPDATE) \
         RETURNING slot_id, session_id, pool, id, patient_id"
    ));
    // A stop-clinic first marks its session suspended: shared locks on the sessions make it
    // wait for this group's commit (and then cancel what the group booked), or make the group
    // wait for its commit (and then read the session as suspended).
    let list = batch.json_list(&asked.slot_list);
    batch.push(&format!(
        "SELECT id FROM clinic_sessions \
         WHERE id IN (SELECT session_id FROM slots WHERE id IN ({list})) ORDER BY id FOR SHARE"
    ));
    let list = batch.json_list(&asked.slot_list);
    batch.push(&format!(
        "SELECT id FROM slots WHERE id IN ({list}) ORDER BY id FOR UPDATE"
    ));
    let list = batch.json_list(&asked.slot_list);
    batch.push(&format!(
        "SELECT session_id FROM session_pools \
         WHERE session_id IN (SELECT session_id FROM slots WHERE id IN ({list})) \
         ORDER BY session_id, pool FOR UPDATE"
    ));
    Lead {
        lapsed: Some(lapsed),
        holders: Some(HoldersAt::Rows(holders)),
    }
}
