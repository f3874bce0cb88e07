//! Deciding bookings from a snapshot of the places and the patients (the booking ledger).
//!
//! The store's single SQLite writer takes a group of booking requests, reads everything they
//! touch in a few statements (slots, their sessions and pools, the queue numbers in use, the
//! patients' active bookings and no-shows), then decides every request here, in arrival
//! order, against counters that each decision updates — so the fifth request for a slot with
//! four places is refused even though the snapshot said four were free. The store then
//! writes the accepted ones as a few multi-row statements. Being pure, the decision is
//! property-tested: never more places taken than a slot or pool has, never a patient over a
//! quota, never two active bookings with one queue number.
//!
//! The single-request path (PostgreSQL, where the database arbitrates between processes)
//! uses the same checks: [`check_open`], [`check_patient`], [`pool_order`] and
//! [`lowest_free_number`].

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::{
    AppointmentStatus, BanRule, BookingRefusal, Channel, ExistingBooking, Period, Pool, QuotaRule,
    check_not_banned, check_quota, check_single_hold, pools_for,
};

/// What a booking needs to know about a clinic session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFacts {
    pub hospital: String,
    pub department: String,
    pub date: Date,
    pub period: Period,
    /// Not suspended (停诊).
    pub active: bool,
    /// Instants in µs since the epoch.
    pub release_at: i64,
    pub ends_at: i64,
    /// When unused reserved places (elderly, referral) return to the general pools.
    pub reserved_release_at: i64,
}

/// Why a session cannot take a booking now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Closed {
    /// The session is suspended (停诊).
    Suspended,
    Refused(BookingRefusal),
}

/// Whether the session takes bookings at `now`: active, released, and before the slot starts
/// (staff booking in person: before the session ends).
pub fn check_open(
    session: &SessionFacts,
    slot_starts_at: i64,
    now: Timestamp,
    on_site: bool,
    tz: &TimeZone,
) -> Result<(), Closed> {
    if !session.active {
        return Err(Closed::Suspended);
    }
    let micros = now.as_microsecond();
    if micros < session.release_at {
        let opens_at = Timestamp::from_microsecond(session.release_at).unwrap_or(Timestamp::MAX);
        return Err(Closed::Refused(BookingRefusal::NotYetOpen {
            opens_at,
            opens_at_local: tz.to_datetime(opens_at),
        }));
    }
    let deadline = if on_site {
        session.ends_at
    } else {
        slot_starts_at
    };
    if micros >= deadline {
        return Err(Closed::Refused(BookingRefusal::SessionStarted));
    }
    Ok(())
}

/// The patient's rules, narrowest first: a ban, an open hold for the same session, then the
/// quotas. `active` are the patient's bookings that hold a place, with their status.
pub fn check_patient(
    quota: &QuotaRule,
    bans: &BanRule,
    noshows: &[Date],
    active: &[(ExistingBooking, AppointmentStatus)],
    candidate: &ExistingBooking,
    today: Date,
) -> Result<(), BookingRefusal> {
    check_not_banned(bans, noshows, today)?;
    let open_holds = active
        .iter()
        .filter(|(b, status)| {
            *status == AppointmentStatus::Pending
                && b.department == candidate.department
                && b.date == candidate.date
                && b.period == candidate.period
        })
        .count();
    check_single_hold(u32::try_from(open_holds).unwrap_or(u32::MAX))?;
    let bookings: Vec<ExistingBooking> = active.iter().map(|(b, _)| b.clone()).collect();
    check_quota(quota, &bookings, candidate)
}

/// The pools a booking may draw from, most preferred first; once the reserved places are
/// released, any booking may also use them.
pub fn pool_order(
    channel: Channel,
    is_elderly: bool,
    has_referral: bool,
    reserved_released: bool,
) -> Vec<Pool> {
    let mut pools = pools_for(channel, is_elderly, has_referral);
    if reserved_released {
        for reserved in [Pool::Elderly, Pool::Referral] {
            if !pools.contains(&reserved) {
                pools.push(reserved);
            }
        }
    }
    pools
}

/// The lowest queue number of a slot not taken by an active booking; `None` when all
/// `capacity` numbers from `first` are taken.
pub fn lowest_free_number(first: i64, capacity: i64, taken: impl Fn(i64) -> bool) -> Option<i64> {
    (first..first.saturating_add(capacity.max(1))).find(|n| !taken(*n))
}

/// A slot's counters and the queue numbers its active bookings hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotLedger {
    pub session_id: String,
    pub starts_at: i64,
    pub capacity: i64,
    pub booked: i64,
    pub held: i64,
    pub first_queue_number: i64,
    pub taken_numbers: BTreeSet<i64>,
}

/// A session's facts and its pools' `(capacity, used)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionLedger {
    pub facts: SessionFacts,
    pub pools: HashMap<Pool, (i64, i64)>,
}

/// A patient's active bookings and no-show dates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatientLedger {
    pub active: Vec<(ExistingBooking, AppointmentStatus)>,
    pub noshows: Vec<Date>,
}

/// One booking request, as the ledger sees it.
#[derive(Clone, Debug)]
pub struct Ask<'a> {
    pub slot_id: &'a str,
    pub patient_id: &'a str,
    pub channel: Channel,
    pub is_elderly: bool,
    pub has_referral: bool,
    /// A hold pending payment rather than a booking.
    pub hold: bool,
    pub on_site: bool,
    pub now: Timestamp,
    pub tz: &'a TimeZone,
    pub quota: &'a QuotaRule,
    pub bans: &'a BanRule,
}

/// A place taken: its pool and queue number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Taken {
    pub pool: Pool,
    pub queue_number: i64,
}

/// Why the ledger refused a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// No such slot (or its session is missing).
    NotFound,
    Closed(Closed),
}

impl From<BookingRefusal> for Refused {
    fn from(refusal: BookingRefusal) -> Self {
        Self::Closed(Closed::Refused(refusal))
    }
}

/// The places and patients a group of requests touches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    pub sessions: HashMap<String, SessionLedger>,
    pub slots: HashMap<String, SlotLedger>,
    pub patients: HashMap<String, PatientLedger>,
}

impl Ledger {
    /// Decides one request and, when it is accepted, takes its place in the counters (slot,
    /// pool, queue number, the patient's bookings), so later requests see it.
    pub fn take(&mut self, ask: &Ask<'_>) -> Result<Taken, Refused> {
        let slot = self.slots.get(ask.slot_id).ok_or(Refused::NotFound)?;
        let session = self
            .sessions
            .get(&slot.session_id)
            .ok_or(Refused::NotFound)?;
        check_open(&session.facts, slot.starts_at, ask.now, ask.on_site, ask.tz)
            .map_err(Refused::Closed)?;
        let candidate = ExistingBooking {
            date: session.facts.date,
            hospital: session.facts.hospital.clone(),
            department: session.facts.department.clone(),
            period: session.facts.period,
        };
        let today = ask.tz.to_datetime(ask.now).date();
        let patient = self.patients.entry(ask.patient_id.to_owned()).or_default();
        check_patient(
            ask.quota,
            ask.bans,
            &patient.noshows,
            &patient.active,
            &candidate,
            today,
        )?;
        if slot.booked + slot.held >= slot.capacity {
            return Err(BookingRefusal::SlotFull.into());
        }
        let reserved_released = ask.now.as_microsecond() >= session.facts.reserved_release_at;
        let pool = pool_order(
            ask.channel,
            ask.is_elderly,
            ask.has_referral,
            reserved_released,
        )
        .into_iter()
        .find(|pool| {
            session
                .pools
                .get(pool)
                .is_some_and(|(capacity, used)| used < capacity)
        })
        .ok_or(BookingRefusal::SlotFull)?;
        let queue_number = lowest_free_number(slot.first_queue_number, slot.capacity, |n| {
            slot.taken_numbers.contains(&n)
        })
        .ok_or(BookingRefusal::SlotFull)?;

        // Accepted: take the place everywhere later requests look.
        let status = if ask.hold {
            AppointmentStatus::Pending
        } else {
            AppointmentStatus::Booked
        };
        patient.active.push((candidate, status));
        if let Some(session) = self.sessions.get_mut(&slot.session_id)
            && let Some((_, used)) = session.pools.get_mut(&pool)
        {
            *used += 1;
        }
        if let Some(slot) = self.slots.get_mut(ask.slot_id) {
            if ask.hold {
                slot.held += 1;
            } else {
                slot.booked += 1;
            }
            slot.taken_numbers.insert(queue_number);
        }
        Ok(Taken { pool, queue_number })
    }

    /// `true` when the slot has no place left (known slots only).
    pub fn is_full(&self, slot_id: &str) -> bool {
        self.slots
            .get(slot_id)
            .is_some_and(|s| s.booked + s.held >= s.capacity)
    }
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
