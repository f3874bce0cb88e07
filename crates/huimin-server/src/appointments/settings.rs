//! Booking thresholds as the handlers use them. Every one is a setting whose default is the
//! rule in DOMAIN.md §1; administrators change them per hospital and per department
//! (`rules.rs`).

use huimin_domain::appointments::{
    BanRule, BookingRules, CallingRule, CancellationRule, CheckInRule, ElderlyRule, HoldRule,
    PoolPercentages, QuotaRule, ReleaseRule, ReservedRelease, SlotLength, WaitlistRule,
};
use jiff::tz::TimeZone;

#[derive(Clone, Debug)]
pub struct BookingSettings {
    /// The hospital's time zone for "today", release times and display (China: UTC+8).
    pub time_zone: TimeZone,
    pub slot_length: SlotLength,
    pub release: ReleaseRule,
    pub pools: PoolPercentages,
    pub reserved_release: ReservedRelease,
    pub hold: HoldRule,
    pub quota: QuotaRule,
    pub bans: BanRule,
    pub cancellation: CancellationRule,
    pub check_in: CheckInRule,
    pub elderly: ElderlyRule,
    pub waitlist: WaitlistRule,
    pub calling: CallingRule,
}

impl Default for BookingSettings {
    fn default() -> Self {
        Self::new(
            TimeZone::fixed(jiff::tz::Offset::constant(8)),
            &BookingRules::default(),
        )
    }
}

impl BookingSettings {
    /// Settings from rules that passed [`BookingRules::check`]; a slot length out of range
    /// (which `check` reports) falls back to 30 minutes.
    pub fn new(time_zone: TimeZone, rules: &BookingRules) -> Self {
        Self {
            time_zone,
            slot_length: rules
                .slot_length()
                .unwrap_or(SlotLength::new(30).expect("30 minutes is a valid slot length")),
            release: rules.release,
            pools: rules.pools,
            reserved_release: rules.reserved_release,
            hold: rules.hold,
            quota: rules.quota,
            bans: rules.bans.clone(),
            cancellation: rules.cancellation,
            check_in: rules.check_in,
            elderly: rules.elderly,
            waitlist: rules.waitlist,
            calling: rules.calling,
        }
    }

    /// The thresholds alone, as administrators read and write them.
    pub fn rules(&self) -> BookingRules {
        BookingRules {
            slot_minutes: self.slot_length.minutes(),
            release: self.release,
            pools: self.pools,
            reserved_release: self.reserved_release,
            hold: self.hold,
            quota: self.quota,
            bans: self.bans.clone(),
            cancellation: self.cancellation,
            check_in: self.check_in,
            elderly: self.elderly,
            waitlist: self.waitlist,
            calling: self.calling,
        }
    }
}
