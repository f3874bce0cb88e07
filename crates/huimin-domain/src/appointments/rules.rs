//! The booking thresholds of a hospital or one of its departments, as one value that can be
//! stored, exchanged as JSON and checked as a whole (DOMAIN §1: every threshold is a setting
//! whose default is the national rule).

use super::{
    BanRule, CallingRule, CancellationRule, CheckInRule, ElderlyRule, HoldRule, MoveRule,
    PoolPercentages, QuotaRule, ReleaseRule, ReservedRelease, SlotLength, WaitlistRule,
};
use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// Every booking threshold. Missing fields take the DOMAIN default, so a stored value stays
/// readable when a later version adds a threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BookingRules {
    /// Length of the slots sessions are cut into (5–30 minutes).
    pub slot_minutes: u16,
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
    pub moves: MoveRule,
}

impl Default for BookingRules {
    fn default() -> Self {
        BookingRules {
            slot_minutes: 30,
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
            calling: CallingRule::default(),
            moves: MoveRule::default(),
        }
    }
}

/// One threshold that is not acceptable, named by its JSON path (`quota.per_week`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleIssue {
    pub field: &'static str,
    pub message: Text,
}

impl BookingRules {
    /// The slot length, once [`check`](Self::check) has passed.
    pub fn slot_length(&self) -> Option<SlotLength> {
        SlotLength::new(self.slot_minutes).ok()
    }

    /// Every threshold outside its range; empty when the rules can be used.
    pub fn check(&self) -> Vec<RuleIssue> {
        let mut issues = Vec::new();
        let mut issue = |field, message| issues.push(RuleIssue { field, message });
        if let Err(e) = SlotLength::new(self.slot_minutes) {
            issue("slot_minutes", e.message());
        }
        if let Err(e) = self.release.validate() {
            issue("release", e.message());
        }
        if let Err(e) = self.pools.validate() {
            issue("pools", e.message());
        }
        if let Err(e) = self.bans.validate() {
            issue("bans.steps", e.message());
        }
        let ranges = self.staff_ranges().into_iter().chain(self.patient_ranges());
        for (field, zh, en, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                let text = if min == max {
                    Text::new(
                        format!("{zh}只能为 {min}，当前为 {value}"),
                        format!("{en} can only be {min}; got {value}"),
                    )
                } else {
                    Text::new(
                        format!("{zh}须在 {min} 至 {max} 之间，当前为 {value}"),
                        format!("{en} must be between {min} and {max}; got {value}"),
                    )
                };
                issue(field, text);
            }
        }
        let q = &self.quota;
        if q.per_week > q.per_month || q.per_month > q.per_quarter {
            issue(
                "quota",
                Text::new(
                    format!(
                        "预约上限须满足 每周 ≤ 每月 ≤ 每季度，当前为 {} / {} / {}",
                        q.per_week, q.per_month, q.per_quarter
                    ),
                    format!(
                        "Booking limits must satisfy week ≤ month ≤ quarter; got {} / {} / {}",
                        q.per_week, q.per_month, q.per_quarter
                    ),
                ),
            );
        }
        issues
    }

    /// The bounded thresholds of calling, reserved places and holds.
    fn staff_ranges(&self) -> [Bounded; 6] {
        [
            (
                "calling.screen_waiting",
                "叫号屏显示的候诊人数",
                "Patients waiting shown on the call screen",
                self.calling.screen_waiting,
                1,
                20,
            ),
            (
                "moves.reply_hours",
                "停诊改约后患者答复时限（小时）",
                "Hours a moved patient has to answer",
                self.moves.reply_hours,
                1,
                168,
            ),
            (
                "calling.pass_rejoin_after",
                "过号患者重新排在几人之后",
                "A passed patient rejoins after this many others",
                self.calling.pass_rejoin_after,
                0,
                20,
            ),
            (
                "calling.get_ready_when_ahead",
                "前面剩几人时提醒准备",
                "Tell patients to get ready when this many are ahead",
                self.calling.get_ready_when_ahead,
                1,
                20,
            ),
            (
                "reserved_release.hours_before",
                "预留号源回流时间（开诊前小时数）",
                "Reserved places return (hours before the session)",
                self.reserved_release.hours_before,
                0,
                168,
            ),
            (
                "hold.minutes",
                "锁号待支付时长（分钟）",
                "Hold time pending payment (minutes)",
                self.hold.minutes,
                1,
                120,
            ),
        ]
    }

    /// The bounded thresholds that limit what a patient may do.
    fn patient_ranges(&self) -> [Bounded; 8] {
        [
            // The storage backs this quota with a unique index (one active booking per
            // patient, department, day and period), so only 1 can take effect.
            (
                "quota.per_session_department",
                "同日同科同时段预约上限",
                "Bookings per day, department and period",
                self.quota.per_session_department,
                1,
                1,
            ),
            (
                "quota.per_week",
                "每周预约上限",
                "Bookings per week",
                self.quota.per_week,
                1,
                100,
            ),
            (
                "quota.per_month",
                "每月预约上限",
                "Bookings per month",
                self.quota.per_month,
                1,
                300,
            ),
            (
                "quota.per_quarter",
                "每季度预约上限",
                "Bookings per quarter",
                self.quota.per_quarter,
                1,
                900,
            ),
            (
                "cancellation.hours_before",
                "退号截止时间（就诊前小时数）",
                "Cancellation cut-off (hours before the slot)",
                self.cancellation.hours_before,
                0,
                168,
            ),
            (
                "check_in.opens_minutes_before",
                "签到开放时间（号源开始前分钟数）",
                "Check-in opens (minutes before the slot)",
                self.check_in.opens_minutes_before,
                0,
                480,
            ),
            (
                "elderly.age",
                "老年人号源年龄",
                "Age for the elderly pool",
                u32::from(self.elderly.age),
                50,
                100,
            ),
            (
                "waitlist.offer_minutes",
                "候补确认时限（分钟）",
                "Time to confirm a waitlist offer (minutes)",
                self.waitlist.offer_minutes,
                5,
                240,
            ),
        ]
    }
}

/// A threshold with its bounds: `(field, 中文, English, value, min, max)`.
type Bounded = (&'static str, &'static str, &'static str, u32, u32, u32);

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(rules: &BookingRules) -> Vec<&'static str> {
        rules.check().into_iter().map(|i| i.field).collect()
    }

    #[test]
    fn defaults_are_the_domain_rules_and_pass() {
        let rules = BookingRules::default();
        assert!(rules.check().is_empty());
        assert_eq!(rules.quota.per_week, 14);
        assert_eq!(rules.hold.minutes, 15);
        assert_eq!(rules.slot_length().map(SlotLength::minutes), Some(30));
    }

    #[test]
    fn every_bad_threshold_is_named() {
        let mut rules = BookingRules {
            slot_minutes: 45,
            ..BookingRules::default()
        };
        rules.pools.online = 90;
        rules.hold.minutes = 0;
        rules.quota.per_week = 50;
        rules.elderly.age = 30;
        rules.bans.steps = vec![(3, 90), (2, 30)];
        assert_eq!(
            fields(&rules),
            [
                "slot_minutes",
                "pools",
                "bans.steps",
                "hold.minutes",
                "elderly.age",
                "quota"
            ]
        );
        let all = rules.check();
        let hold = all.iter().find(|i| i.field == "hold.minutes").unwrap();
        assert!(hold.message.zh.contains("1 至 120"), "{}", hold.message.zh);
        assert!(hold.message.en.contains("got 0"), "{}", hold.message.en);
    }

    #[test]
    fn a_partial_document_takes_defaults_and_unknown_fields_are_refused() {
        let rules: BookingRules =
            serde_json::from_str(r#"{"release": {"window_days": 7}}"#).unwrap();
        assert_eq!(rules.release.window_days, 7);
        assert_eq!(
            rules.release.release_time,
            ReleaseRule::default().release_time
        );
        assert_eq!(rules.quota, QuotaRule::default());
        assert!(serde_json::from_str::<BookingRules>(r#"{"quotas": {}}"#).is_err());
    }

    #[test]
    fn round_trips_through_json() {
        let rules = BookingRules::default();
        let text = serde_json::to_string(&rules).unwrap();
        assert_eq!(serde_json::from_str::<BookingRules>(&text).unwrap(), rules);
    }

    #[test]
    fn the_per_session_quota_is_one_because_the_storage_backs_it_so() {
        let mut rules = BookingRules::default();
        rules.quota.per_session_department = 2;
        let issues = rules.check();
        assert_eq!(issues[0].field, "quota.per_session_department");
        assert!(
            issues[0].message.en.contains("can only be 1"),
            "{:?}",
            issues[0]
        );
    }
}
