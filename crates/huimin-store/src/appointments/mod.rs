//! Outpatient booking storage: clinic sessions, their slots and channel pools, and
//! appointments. Every place is taken by conditional counter updates inside one transaction
//! that also applies the patient's rules (bans, quotas, one open hold), so a slot is never
//! double-booked and a patient never exceeds a quota, whatever the concurrency.

mod booking;
mod booking_search;
mod calling;
mod excluded;
mod group;
pub(crate) mod group_writer;
pub(crate) mod hint;
mod holder;
mod lifecycle;
mod moves;
mod overlap;
mod payments;
mod rosters;
mod screens;
mod sessions;
mod suspend;
mod transfer;
mod waitlist;
mod waitlist_entry;

pub(crate) use booking::fetch_appointment;
pub use booking::{BookingError, BookingMode, PlaceRequest, Replay, TakenIn};
pub use booking_search::{
    BookingClause, BookingPage, BookingQuery, BookingTable, Cmp, Cond, Field,
};
pub use calling::{CallError, CallRecord, LineSummary, QueueEntry, SessionQueue};
pub use excluded::{Classes, Excluded};
pub use group_writer::GroupStats;
pub(crate) use holder::keep_facts;
pub use holder::{BIRTH_DATE_PARAM, GENDER_PARAM};
pub(crate) use lifecycle::{confirm_in, lock_appointment};
pub use moves::MoveRecord;
pub use rosters::RosterRecord;
pub use screens::ScreenTokenRecord;
pub use sessions::{NewSession, NewSlot, SessionRecord, SlotFilter, SlotRecord};
pub use suspend::{Affected, StopClinic};
pub use transfer::{MovePolicy, Transfer};
pub use waitlist::{JoinRefusal, Promotion, WaitlistRecord};

use huimin_domain::appointments::{AppointmentStatus, Pool};

/// A new appointment's id: a UUID of version 7, whose first 48 bits are the time in
/// milliseconds, so ids made one after another sort one after another. Each booking inserts
/// its id into the primary key's index: random (version 4) ids dirtied a leaf page of it
/// anywhere in the file per booking, and every dirty page is written to the WAL at each
/// commit; time-ordered ids fill the last pages. The 74 random bits keep ids unguessable;
/// the time they show is the booking's `created`, which the Appointment states anyway.
pub(crate) fn new_appointment_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// One appointment as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentRecord {
    pub id: String,
    pub patient_id: String,
    pub account_id: Option<String>,
    pub slot_id: String,
    pub session_id: String,
    pub department_id: String,
    pub session_date: String,
    pub period: String,
    pub status: AppointmentStatus,
    pub pool: Pool,
    pub channel: String,
    pub queue_number: i64,
    pub hold_expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Why a cancelled appointment was cancelled (`patient`, `staff`, `hold-lapsed`,
    /// `session-suspended`, `moved`, `move-declined`, `waitlist`…).
    pub cancel_reason: Option<String>,
}

/// Statuses that hold a place.
pub(crate) const ACTIVE: &str = "('pending', 'booked', 'checked-in')";

pub(crate) const APPOINTMENT_COLUMNS: &str = "id, patient_id, account_id, slot_id, session_id, department_id, \
     session_date, period, status, pool, channel, queue_number, hold_expires_at, created_at, updated_at, cancel_reason";

pub(crate) fn appointment_from_row(
    row: &sqlx::any::AnyRow,
) -> Result<AppointmentRecord, crate::StoreError> {
    use sqlx::Row;
    let status: String = row.try_get(8)?;
    let pool: String = row.try_get(9)?;
    Ok(AppointmentRecord {
        id: row.try_get(0)?,
        patient_id: row.try_get(1)?,
        account_id: row.try_get(2)?,
        slot_id: row.try_get(3)?,
        session_id: row.try_get(4)?,
        department_id: row.try_get(5)?,
        session_date: row.try_get(6)?,
        period: row.try_get(7)?,
        status: AppointmentStatus::from_code(&status)
            .ok_or_else(|| crate::StoreError::Corrupt(format!("appointment status {status}")))?,
        pool: Pool::from_code(&pool)
            .ok_or_else(|| crate::StoreError::Corrupt(format!("pool {pool}")))?,
        channel: row.try_get(10)?,
        queue_number: row.try_get(11)?,
        hold_expires_at: row.try_get(12)?,
        created_at: row.try_get(13)?,
        cancel_reason: row.try_get(15)?,
        updated_at: row.try_get(14)?,
    })
}

#[cfg(test)]
mod tests {
    /// Appointment ids made one after another sort one after another (the primary key's
    /// index fills its last pages) and are distinct UUIDs of version 7.
    #[test]
    fn new_appointment_ids_are_time_ordered_uuids() {
        let ids: Vec<String> = (0..1000).map(|_| super::new_appointment_id()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, ids);
        for id in &ids {
            let parsed = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(parsed.get_version_num(), 7, "{id}");
        }
    }
}
