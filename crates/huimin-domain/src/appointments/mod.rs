//! Appointment and slot-source rules (DOMAIN §1, §9).
//!
//! Everything here is a pure function of its arguments: the caller passes
//! `now` (an instant), `today` (a hospital-local date) and the hospital
//! [`TimeZone`](jiff::tz::TimeZone). Every threshold is a settings struct
//! whose `Default` is the DOMAIN.md default, so hospitals and provinces with
//! other rules only change configuration. Every refusal a patient can meet is
//! a [`BookingRefusal`] variant whose message names the rule that applied.

mod admission;
mod calendar;
mod calling;
mod cancel;
mod checkin;
mod family;
mod hold;
mod ledger;
mod moves;
mod noshow;
mod payment;
mod period;
pub mod permissions;
mod pools;
mod quota;
mod refusal;
mod release;
mod roster;
mod rules;
mod slots;
mod status;
mod waitlist;

pub use admission::{Booker, admission_dates, check_admission, takes_bookings};
pub use calendar::{CalendarError, DayKind, HolidayCalendar, china_2026, parse_import};
pub use calling::{
    CallingRule, KEY_STEP, PriorityGroup, PriorityGroups, QueueState, Waiting, call_speech,
    calling_order, estimated_wait_minutes, initial_key, rejoin_key,
};
pub use cancel::{CancellationRule, check_cancellable, patient_deadline};
pub use checkin::{CheckInBy, CheckInFacts, CheckInRule};
pub use family::{FamilyRule, check_family_limit};
pub use hold::{HoldRule, check_single_hold};
pub use ledger::{
    Ask, Closed, Ledger, PatientLedger, Refused, SessionFacts, SessionLedger, SlotLedger, Taken,
    check_open, check_patient, lowest_free_number, pool_order,
};
pub use moves::MoveRule;
pub use noshow::{BanRule, BanRuleError, ban_until, check_not_banned};
pub use payment::PaymentMethod;
pub use period::Period;
pub use pools::{
    Channel, ElderlyRule, Pool, PoolError, PoolPercentages, PoolSplit, ReservedRelease, is_elderly,
    pools_for, release_reserved, split,
};
pub use quota::{ExistingBooking, QuotaRule, check_quota};
pub use refusal::BookingRefusal;
pub use release::{ReleaseRule, ReleaseRuleError};
pub use roster::{RosterTemplate, dated_sessions};
pub use rules::{BookingRules, RuleIssue};
pub use slots::{SlotError, SlotLength, SlotPlan, cut_session, validate_slot};
pub use status::{AppointmentStatus, SlotStatus, slot_status};
pub use waitlist::{WaitlistMode, WaitlistRule};

use jiff::{SignedDuration, Timestamp};

/// Moves an instant by a duration, pinning to the representable range
/// instead of failing: settings are small numbers of hours or minutes, so
/// only absurd inputs reach the edges and a rule must not panic on them.
fn shift(instant: Timestamp, by: SignedDuration) -> Timestamp {
    instant.checked_add(by).unwrap_or(if by.is_negative() {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// Hospital-local wall time in the form patients read on the booking page.
fn local_minutes(dt: jiff::civil::DateTime) -> String {
    dt.strftime("%Y-%m-%d %H:%M").to_string()
}
