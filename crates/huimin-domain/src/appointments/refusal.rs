//! Every reason a booking, hold or cancellation can be refused.
//!
//! One enum so the HTTP layer maps refusals in one place: [`is_conflict`]
//! picks 409 versus 422, [`rule_code`] is the stable code clients and the
//! FHIR `OperationOutcome` carry, and [`message`] tells the patient which rule
//! applied, in both languages.
//!
//! [`is_conflict`]: BookingRefusal::is_conflict
//! [`rule_code`]: BookingRefusal::rule_code
//! [`message`]: BookingRefusal::message

use super::{AppointmentStatus, local_minutes};
use crate::directory::{DepartmentKind, Eligibility, Ineligible};
use crate::i18n::Text;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BookingRefusal {
    /// Before the release instant (放号时间).
    #[error("Booking for this session opens at {} (hospital time)", local_minutes(*.opens_at_local))]
    NotYetOpen {
        opens_at: Timestamp,
        /// The same instant on the hospital's wall clock, for the message.
        opens_at_local: DateTime,
    },
    #[error("This session has already started and can no longer be booked")]
    SessionStarted,
    #[error(
        "At most {} per person per hospital, department, day and period; you already have {limit}",
        crate::i18n::en_count(u64::from(*.limit), "booking")
    )]
    SameSessionDepartment { limit: u32 },
    #[error("At most {limit} bookings per week per person; you already have {used} this week")]
    WeeklyQuota { limit: u32, used: u32 },
    #[error("At most {limit} bookings per month per person; you already have {used} this month")]
    MonthlyQuota { limit: u32, used: u32 },
    #[error(
        "At most {limit} bookings per quarter per person; you already have {used} this quarter"
    )]
    QuarterlyQuota { limit: u32, used: u32 },
    #[error(
        "You missed {noshows} appointments in a calendar year; booking is suspended until {until}"
    )]
    Banned { until: Date, noshows: u32 },
    #[error(
        "Bookings can only be cancelled up to {hours_before} hours before the visit; that time has passed"
    )]
    PastCancellationCutoff {
        cutoff: Timestamp,
        hours_before: u32,
    },
    #[error(
        "You already have a booking awaiting payment for this session; pay for it or cancel it first"
    )]
    HoldAlreadyOpen,
    #[error("An appointment cannot go from {} to {}", .from.en(), .to.en())]
    InvalidTransition {
        from: AppointmentStatus,
        to: AppointmentStatus,
    },
    #[error("This slot is fully booked")]
    SlotFull,
    #[error("The patient's real-name identity has not been verified, so booking is not allowed")]
    IdentityNotVerified,
    #[error("A booking belongs to its patient and cannot be transferred to another patient")]
    NotOwnPatient,
    #[error("An account can manage at most {limit} patients (family members)")]
    FamilyLimit { limit: u32 },
    #[error("Check-in opens {minutes_before} minutes before your time slot")]
    CheckInNotOpen {
        opens_at: Timestamp,
        minutes_before: u32,
    },
    #[error(
        "The time to check in yourself has passed; please go to the triage desk or the registration window"
    )]
    CheckInClosed { closed_at: Timestamp },
    #[error(
        "Check in once you are at the hospital: scan the check-in QR code on the screen in your department's waiting area, or go to the triage desk"
    )]
    CheckInNotOnSite,
    #[error(
        "Not paid: please pay the registration fee of {} at the registration and payment window first, then check in",
        crate::money::Money::from_fen(*.due_fen).unwrap_or_default().cny()
    )]
    CheckInUnpaid { due_fen: i64 },
    /// The patient is outside the department's (or the class's) age or sex limits.
    #[error("{}", ineligible(department, limits, *reason).en)]
    Ineligible {
        department: Text,
        limits: Eligibility,
        reason: Ineligible,
    },
    /// Emergency is not booked in advance; medical technology is not a clinic.
    #[error("{}", not_bookable(department, *kind).en)]
    NotBookable {
        department: Text,
        kind: DepartmentKind,
    },
}

/// `儿科仅接诊 14 岁以下患者`, and what to do when the record lacks the fact the limits need.
fn ineligible(department: &Text, limits: &Eligibility, reason: Ineligible) -> Text {
    let rule = limits
        .describe()
        .unwrap_or_else(|| Text::new("不接诊该患者", "does not see this patient"));
    let (zh, en) = (
        format!("{}{}", department.zh, rule.zh),
        format!("{} {}", department.en, rule.en),
    );
    match reason {
        Ineligible::BirthDateUnknown => Text::new(
            format!("{zh}。就诊人信息中没有出生日期，请到挂号窗口办理"),
            format!("{en}. The patient's record has no birth date; please register at the desk"),
        ),
        Ineligible::SexUnknown => Text::new(
            format!("{zh}。就诊人信息中没有性别，请到挂号窗口办理"),
            format!("{en}. The patient's record has no sex; please register at the desk"),
        ),
        _ => Text::new(zh, en),
    }
}

fn not_bookable(department: &Text, kind: DepartmentKind) -> Text {
    match kind {
        DepartmentKind::MedicalTechnology => Text::new(
            format!(
                "{}不是门诊科室，不能预约；检查、检验请凭医生开具的申请单办理",
                department.zh
            ),
            format!(
                "{} is not an outpatient clinic and cannot be booked; tests and examinations follow a doctor's order",
                department.en
            ),
        ),
        _ => Text::new(
            format!("{}不接受预约，请直接到急诊就诊", department.zh),
            format!(
                "{} is not booked in advance; please come straight to the emergency department",
                department.en
            ),
        ),
    }
}

impl BookingRefusal {
    /// The message in both languages; `en` equals `Display`.
    pub fn message(&self) -> Text {
        Text::new(self.zh(), self.to_string())
    }

    /// Only a full slot is a conflict (HTTP 409): the request was valid and
    /// lost a race for a place. Everything else breaks a rule (HTTP 422) and
    /// retrying will not help.
    pub fn is_conflict(&self) -> bool {
        matches!(self, BookingRefusal::SlotFull)
    }

    /// A stable machine code; clients switch on it, so never rename one.
    pub fn rule_code(&self) -> &'static str {
        match self {
            BookingRefusal::NotYetOpen { .. } => "not-yet-open",
            BookingRefusal::SessionStarted => "session-started",
            BookingRefusal::SameSessionDepartment { .. } => "quota-session",
            BookingRefusal::WeeklyQuota { .. } => "quota-week",
            BookingRefusal::MonthlyQuota { .. } => "quota-month",
            BookingRefusal::QuarterlyQuota { .. } => "quota-quarter",
            BookingRefusal::Banned { .. } => "banned",
            BookingRefusal::PastCancellationCutoff { .. } => "cancel-cutoff",
            BookingRefusal::HoldAlreadyOpen => "hold-open",
            BookingRefusal::InvalidTransition { .. } => "invalid-transition",
            BookingRefusal::SlotFull => "slot-full",
            BookingRefusal::IdentityNotVerified => "identity-not-verified",
            BookingRefusal::NotOwnPatient => "not-own-patient",
            BookingRefusal::FamilyLimit { .. } => "family-limit",
            BookingRefusal::CheckInNotOpen { .. } => "check-in-not-open",
            BookingRefusal::CheckInClosed { .. } => "check-in-closed",
            BookingRefusal::CheckInNotOnSite => "check-in-not-on-site",
            BookingRefusal::CheckInUnpaid { .. } => "check-in-unpaid",
            BookingRefusal::Ineligible { reason, .. } => reason.rule_code(),
            BookingRefusal::NotBookable { .. } => "not-bookable",
        }
    }

    fn zh(&self) -> String {
        match self {
            BookingRefusal::NotYetOpen { opens_at_local, .. } => {
                format!(
                    "该时段号源尚未开放，将于 {} 开放预约",
                    local_minutes(*opens_at_local)
                )
            }
            BookingRefusal::SessionStarted => "该出诊时段已开始，不能再预约".to_owned(),
            BookingRefusal::SameSessionDepartment { limit } => format!(
                "同一医院同一科室同一天同一时段每人最多预约 {limit} 次，您已预约 {limit} 次"
            ),
            BookingRefusal::WeeklyQuota { limit, used } => {
                format!("每人每周最多预约 {limit} 次，本周已预约 {used} 次")
            }
            BookingRefusal::MonthlyQuota { limit, used } => {
                format!("每人每月最多预约 {limit} 次，本月已预约 {used} 次")
            }
            BookingRefusal::QuarterlyQuota { limit, used } => {
                format!("每人每季度最多预约 {limit} 次，本季度已预约 {used} 次")
            }
            BookingRefusal::Banned { until, noshows } => {
                format!("您在一个自然年内已爽约 {noshows} 次，{until} 前暂停预约")
            }
            BookingRefusal::PastCancellationCutoff { hours_before, .. } => {
                format!("须在就诊前 {hours_before} 小时以上取消预约，现已超过取消时限")
            }
            BookingRefusal::HoldAlreadyOpen => {
                "您在该出诊时段已有一个待支付的预约，请先支付或取消".to_owned()
            }
            BookingRefusal::InvalidTransition { from, to } => {
                format!("预约状态不能从“{}”变为“{}”", from.zh(), to.zh())
            }
            BookingRefusal::SlotFull => "该时段号源已约满".to_owned(),
            BookingRefusal::IdentityNotVerified => "就诊人尚未完成实名认证，不能预约".to_owned(),
            BookingRefusal::NotOwnPatient => "预约仅限本人就诊，不能转让给其他就诊人".to_owned(),
            BookingRefusal::FamilyLimit { limit } => {
                format!("每个账号最多添加 {limit} 位就诊人")
            }
            BookingRefusal::CheckInNotOpen { minutes_before, .. } => {
                format!("就诊时段开始前 {minutes_before} 分钟起可以签到")
            }
            BookingRefusal::CheckInClosed { .. } => {
                "自助签到时间已过，请到分诊台或挂号窗口办理签到".to_owned()
            }
            BookingRefusal::CheckInNotOnSite => {
                "请到院后签到：扫描科室候诊区屏幕上的签到二维码，或到分诊台签到".to_owned()
            }
            BookingRefusal::CheckInUnpaid { due_fen } => format!(
                "未缴费：请先到挂号收费窗口缴纳挂号费 {}，缴费后再签到",
                crate::money::Money::from_fen(*due_fen)
                    .unwrap_or_default()
                    .cny()
            ),
            BookingRefusal::Ineligible {
                department,
                limits,
                reason,
            } => ineligible(department, limits, *reason).zh,
            BookingRefusal::NotBookable { department, kind } => not_bookable(department, *kind).zh,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, datetime};

    fn all() -> Vec<BookingRefusal> {
        use AppointmentStatus as S;
        vec![
            BookingRefusal::NotYetOpen {
                opens_at: "2026-03-01T00:00:00Z".parse().unwrap(),
                opens_at_local: datetime(2026, 3, 1, 8, 0, 0, 0),
            },
            BookingRefusal::SessionStarted,
            BookingRefusal::SameSessionDepartment { limit: 1 },
            BookingRefusal::WeeklyQuota {
                limit: 14,
                used: 14,
            },
            BookingRefusal::MonthlyQuota {
                limit: 20,
                used: 20,
            },
            BookingRefusal::QuarterlyQuota {
                limit: 30,
                used: 31,
            },
            BookingRefusal::Banned {
                until: date(2026, 4, 10),
                noshows: 3,
            },
            BookingRefusal::PastCancellationCutoff {
                cutoff: "2026-03-01T00:00:00Z".parse().unwrap(),
                hours_before: 12,
            },
            BookingRefusal::HoldAlreadyOpen,
            BookingRefusal::InvalidTransition {
                from: S::Fulfilled,
                to: S::Booked,
            },
            BookingRefusal::SlotFull,
            BookingRefusal::IdentityNotVerified,
            BookingRefusal::NotOwnPatient,
            BookingRefusal::FamilyLimit { limit: 5 },
            BookingRefusal::CheckInNotOpen {
                opens_at: "2026-03-16T00:00:00Z".parse().unwrap(),
                minutes_before: 60,
            },
            BookingRefusal::CheckInClosed {
                closed_at: "2026-03-16T01:30:00Z".parse().unwrap(),
            },
            BookingRefusal::CheckInNotOnSite,
            BookingRefusal::CheckInUnpaid { due_fen: 5000 },
            BookingRefusal::Ineligible {
                department: Text::new("儿科", "Pediatrics"),
                limits: Eligibility {
                    age_under: Some(14),
                    ..Eligibility::default()
                },
                reason: Ineligible::TooOld,
            },
            BookingRefusal::NotBookable {
                department: Text::new("急诊医学科", "Emergency Medicine"),
                kind: DepartmentKind::Emergency,
            },
        ]
    }

    #[test]
    fn weekly_quota_message_names_the_rule_and_the_count() {
        let m = BookingRefusal::WeeklyQuota {
            limit: 14,
            used: 14,
        }
        .message();
        assert_eq!(m.zh, "每人每周最多预约 14 次，本周已预约 14 次");
        assert_eq!(
            m.en,
            "At most 14 bookings per week per person; you already have 14 this week"
        );
    }

    #[test]
    fn the_session_quota_message_counts_in_good_english() {
        let m = BookingRefusal::SameSessionDepartment { limit: 1 }.message();
        assert_eq!(
            m.en,
            "At most 1 booking per person per hospital, department, day and period; you already have 1"
        );
    }

    #[test]
    fn not_yet_open_shows_hospital_time() {
        let m = all()[0].message();
        assert_eq!(m.zh, "该时段号源尚未开放，将于 2026-03-01 08:00 开放预约");
        assert!(m.en.contains("2026-03-01 08:00"));
    }

    #[test]
    fn every_refusal_has_both_messages_and_a_unique_code() {
        let refusals = all();
        let mut codes: Vec<_> = refusals.iter().map(BookingRefusal::rule_code).collect();
        for r in &refusals {
            let m = r.message();
            assert!(!m.zh.is_empty() && m.en == r.to_string(), "{r:?}");
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), refusals.len());
    }

    #[test]
    fn an_unpaid_check_in_says_how_much_and_where_to_pay() {
        let m = BookingRefusal::CheckInUnpaid { due_fen: 5000 }.message();
        assert_eq!(
            m.zh,
            "未缴费：请先到挂号收费窗口缴纳挂号费 ¥50.00，缴费后再签到"
        );
        assert!(m.en.contains("¥50.00"), "{}", m.en);
    }

    #[test]
    fn only_a_full_slot_is_a_conflict() {
        for r in all() {
            assert_eq!(r.is_conflict(), r == BookingRefusal::SlotFull, "{r:?}");
        }
    }

    #[test]
    fn transition_message_uses_status_labels() {
        let m = BookingRefusal::InvalidTransition {
            from: AppointmentStatus::Cancelled,
            to: AppointmentStatus::Booked,
        }
        .message();
        assert_eq!(m.zh, "预约状态不能从“已取消”变为“已预约”");
        assert_eq!(m.en, "An appointment cannot go from Cancelled to Booked");
    }
}
