//! Appointment and slot statuses, with their FHIR R4 codes (DOMAIN §1).

use super::BookingRefusal;
use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// Life cycle of one appointment. Serialized as the FHIR
/// `AppointmentStatus` code so storage and the FHIR API agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppointmentStatus {
    /// Held, awaiting payment.
    Pending,
    Booked,
    /// 签到 at the clinic.
    CheckedIn,
    /// Seen by the doctor.
    Fulfilled,
    /// 退号, by the patient, by staff, or an expired hold.
    Cancelled,
    /// 爽约; counts towards a ban.
    Noshow,
    /// 候补: queued for a place that may free up.
    Waitlist,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 7] = [
        AppointmentStatus::Pending,
        AppointmentStatus::Booked,
        AppointmentStatus::CheckedIn,
        AppointmentStatus::Fulfilled,
        AppointmentStatus::Cancelled,
        AppointmentStatus::Noshow,
        AppointmentStatus::Waitlist,
    ];

    pub fn code(self) -> &'static str {
        self.names().0
    }

    pub fn zh(self) -> &'static str {
        self.names().1
    }

    pub fn en(self) -> &'static str {
        self.names().2
    }

    pub fn label(self) -> Text {
        Text::new(self.zh(), self.en())
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.code() == s)
    }

    /// Whether the appointment occupies a place in its slot. A waitlist
    /// entry does not: it is waiting for one.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            AppointmentStatus::Pending | AppointmentStatus::Booked | AppointmentStatus::CheckedIn
        )
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            AppointmentStatus::Fulfilled | AppointmentStatus::Cancelled | AppointmentStatus::Noshow
        )
    }

    pub fn can_transition(self, to: AppointmentStatus) -> bool {
        use AppointmentStatus::*;
        matches!(
            (self, to),
            (Pending, Booked | Cancelled)
                | (Booked, CheckedIn | Cancelled | Noshow)
                // A checked-in patient was present, so never a no-show; staff
                // may still cancel (e.g. the doctor is called away).
                | (CheckedIn, Fulfilled | Cancelled)
                // A freed place goes to the waitlist either straight to booked
                // (prepaid) or to pending payment.
                | (Waitlist, Booked | Cancelled | Pending)
        )
    }

    pub fn transition(self, to: AppointmentStatus) -> Result<Self, BookingRefusal> {
        if self.can_transition(to) {
            Ok(to)
        } else {
            Err(BookingRefusal::InvalidTransition { from: self, to })
        }
    }

    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            AppointmentStatus::Pending => ("pending", "待支付", "Pending payment"),
            AppointmentStatus::Booked => ("booked", "已预约", "Booked"),
            AppointmentStatus::CheckedIn => ("checked-in", "已签到", "Checked in"),
            AppointmentStatus::Fulfilled => ("fulfilled", "已就诊", "Seen"),
            AppointmentStatus::Cancelled => ("cancelled", "已取消", "Cancelled"),
            AppointmentStatus::Noshow => ("noshow", "爽约", "No-show"),
            AppointmentStatus::Waitlist => ("waitlist", "候补", "Waitlist"),
        }
    }
}

/// FHIR `SlotStatus` of a slot source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlotStatus {
    Free,
    Busy,
    /// Every place is booked or held pending payment; a hold may still lapse.
    BusyTentative,
    /// The clinic is suspended (停诊).
    BusyUnavailable,
}

impl SlotStatus {
    pub fn code(self) -> &'static str {
        match self {
            SlotStatus::Free => "free",
            SlotStatus::Busy => "busy",
            SlotStatus::BusyTentative => "busy-tentative",
            SlotStatus::BusyUnavailable => "busy-unavailable",
        }
    }
}

/// Derives the slot status from its counts (DOMAIN §1). Suspension wins over
/// everything because booked patients must be told the clinic is off.
pub fn slot_status(capacity: u32, booked: u32, held: u32, suspended: bool) -> SlotStatus {
    if suspended {
        SlotStatus::BusyUnavailable
    } else if booked >= capacity {
        SlotStatus::Busy
    } else if booked.saturating_add(held) >= capacity {
        SlotStatus::BusyTentative
    } else {
        SlotStatus::Free
    }
}

#[cfg(test)]
mod tests {
    use super::AppointmentStatus::*;
    use super::*;

    #[test]
    fn codes_are_fhir_and_match_serde() {
        for s in AppointmentStatus::ALL {
            assert_eq!(AppointmentStatus::from_code(s.code()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
        assert_eq!(CheckedIn.code(), "checked-in");
        assert_eq!(Noshow.zh(), "爽约");
        for s in [
            SlotStatus::Free,
            SlotStatus::BusyTentative,
            SlotStatus::BusyUnavailable,
        ] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
    }

    #[test]
    fn the_happy_path_is_allowed() {
        let s = Pending.transition(Booked).unwrap();
        let s = s.transition(CheckedIn).unwrap();
        assert_eq!(s.transition(Fulfilled), Ok(Fulfilled));
        assert_eq!(Waitlist.transition(Pending), Ok(Pending));
    }

    #[test]
    fn terminal_states_go_nowhere() {
        for from in [Fulfilled, Cancelled, Noshow] {
            assert!(from.is_terminal());
            for to in AppointmentStatus::ALL {
                assert_eq!(
                    from.transition(to),
                    Err(BookingRefusal::InvalidTransition { from, to })
                );
            }
        }
    }

    #[test]
    fn a_checked_in_patient_is_never_a_noshow() {
        assert!(!CheckedIn.can_transition(Noshow));
        assert!(CheckedIn.can_transition(Cancelled));
        assert!(!Pending.can_transition(Noshow));
        assert!(!Waitlist.can_transition(CheckedIn));
    }

    #[test]
    fn only_pending_booked_and_checked_in_hold_a_place() {
        let active: Vec<_> = AppointmentStatus::ALL
            .into_iter()
            .filter(|s| s.is_active())
            .collect();
        assert_eq!(active, [Pending, Booked, CheckedIn]);
    }

    #[test]
    fn no_status_transitions_to_itself() {
        for s in AppointmentStatus::ALL {
            assert!(!s.can_transition(s), "{s:?}");
        }
    }

    #[test]
    fn slot_status_follows_the_counts() {
        assert_eq!(slot_status(5, 0, 0, true), SlotStatus::BusyUnavailable);
        assert_eq!(slot_status(5, 5, 0, false), SlotStatus::Busy);
        assert_eq!(slot_status(5, 6, 0, false), SlotStatus::Busy);
        assert_eq!(slot_status(5, 3, 2, false), SlotStatus::BusyTentative);
        assert_eq!(slot_status(5, 3, 1, false), SlotStatus::Free);
        assert_eq!(slot_status(0, 0, 0, false), SlotStatus::Busy);
        assert_eq!(
            slot_status(5, 0, u32::MAX, false),
            SlotStatus::BusyTentative
        );
    }
}
