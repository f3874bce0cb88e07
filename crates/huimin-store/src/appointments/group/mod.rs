//! A group of bookings decided together, in three stages inside one transaction:
//!
//! 1. **read** ([`read`]): one batch reads everything the group touches — its slots and
//!    sessions with their pools and queue numbers in use, who the patients are
//!    (`holder.rs`), their active bookings and no-shows, earlier uses of the requests'
//!    `Idempotency-Key`s — after giving back the lapsed holds of its patients and slots.
//! 2. **decide** ([`decide`]): each request in arrival order, by the pure [`Ledger`]
//!    (`huimin_domain`), into an answer and, for a place taken, its appointment row.
//! 3. **write** ([`write`]): the accepted places (slot and pool counters, rows), keys and
//!    audit records, as multi-row statements.
//!
//! The two databases differ in how the group's snapshot is made exact ([`sqlite`],
//! [`postgres`]). SQLite: the group writer's connection is the only writer and the read
//! batch's first statement is a write, so the group holds the write lock from its first
//! read; the audit chain's head is read with the rest. PostgreSQL: other processes book
//! too, so the read batch first locks what the group decides on, in the order every writer
//! keeps, and the audit chain's head is locked last, held only until the commit.
//!
//! The counter updates keep their conditions (`booked + held + n <= capacity`) and the number
//! of rows they change is checked, so a ledger bug cannot oversell: the group fails, is rolled
//! back and is run again request by request (`group_writer.rs`).
//!
//! [`Ledger`]: huimin_domain::appointments::Ledger

mod decide;
mod postgres;
mod read;
mod sqlite;
#[cfg(test)]
mod tests;
mod write;

use sqlx::AnyConnection;

use super::booking::{BookingError, PlaceRequest, Replay};
use super::hint::FullSlots;
use crate::StoreError;

/// Decides and writes a group inside `tx` (which the caller commits), with the audit records
/// of the places it answers; the answers in request order. The outer `Err` is a database
/// failure: the caller rolls the group back.
pub(crate) async fn decide_group(
    tx: &mut AnyConnection,
    requests: &[PlaceRequest<'_>],
    full_slots: &FullSlots,
    key: &huimin_domain::audit::ChainKey,
    postgres: bool,
) -> Result<Vec<Result<Replay, BookingError>>, StoreError> {
    let asked = read::Asked::of(requests, postgres);
    let state = read::read_group(tx, &asked, full_slots).await?;
    let decided = decide::decide(tx, requests, state).await?;
    write::write_group(tx, key, requests, &decided, &asked).await?;
    decided.note_full_slots(full_slots, &asked);
    Ok(decided.outcomes)
}

/// Prepares the read batch's statements on the writer connection (inside `tx`, which the
/// caller rolls back), so that the first group of a booking rush does not prepare them while
/// the crowd waits: 1–5 ms on a fresh server. Both forms a group sends first are run, with
/// and without `Idempotency-Key`s, on empty lists.
pub(crate) async fn prepare_reads(
    tx: &mut AnyConnection,
    postgres: bool,
) -> Result<(), StoreError> {
    read::prepare(tx, postgres).await
}
