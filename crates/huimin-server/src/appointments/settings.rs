//! Booking thresholds. Every one is a setting whose default is the rule in DOMAIN.md §1.

use huimin_domain::appointments::{
    BanRule, CancellationRule, CheckInRule, ElderlyRule, HoldRule, PoolPercentages, QuotaRule,
    ReleaseRule, ReservedRelease, SlotLength, WaitlistRule,
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
}

impl Default for BookingSettings {
    fn default() -> Self {
        Self {
            time_zone: TimeZone::fixed(jiff::tz::Offset::constant(8)),
            slot_length: SlotLength::new(30).expect("30 minutes is a valid slot length"),
            release: ReleaseRule::default(),
            pools: PoolPercentages::default(),
            reserved_release: ReservedRelease::default(),
            hold: HoldRule::default(),
            quota: QuotaRule::default(),
            bans: BanRule::default(),
            cancellation: CancellationRule::default(),
            check_in: CheckInRule::default(),
            elderly: ElderlyRule::default(),
            waitlist: WaitlistRule::default(),
        }
    }
}
