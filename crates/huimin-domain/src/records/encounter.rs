//! The visit's states (FHIR `Encounter.status`): check-in opens it `arrived`, calling the
//! patient in makes it `in-progress`, the doctor finishes it (`finished`).

use crate::i18n::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VisitStatus {
    /// Checked in, waiting.
    Arrived,
    /// Called into the room.
    InProgress,
    /// The doctor has finished the visit.
    Finished,
    /// The appointment was cancelled or moved after check-in.
    Cancelled,
}

impl VisitStatus {
    pub const ALL: [VisitStatus; 4] = [
        VisitStatus::Arrived,
        VisitStatus::InProgress,
        VisitStatus::Finished,
        VisitStatus::Cancelled,
    ];

    /// The FHIR `Encounter.status` code.
    pub fn code(self) -> &'static str {
        match self {
            VisitStatus::Arrived => "arrived",
            VisitStatus::InProgress => "in-progress",
            VisitStatus::Finished => "finished",
            VisitStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            VisitStatus::Arrived => Text::new("已签到候诊", "Checked in, waiting"),
            VisitStatus::InProgress => Text::new("就诊中", "In progress"),
            VisitStatus::Finished => Text::new("已完成", "Finished"),
            VisitStatus::Cancelled => Text::new("已取消", "Cancelled"),
        }
    }

    /// Whether a visit may move from `self` to `to`. Calling again (recall) keeps a visit
    /// in progress; a doctor may finish a visit of a patient seen without being called.
    pub fn can_become(self, to: VisitStatus) -> bool {
        use VisitStatus::*;
        matches!(
            (self, to),
            (Arrived, InProgress | Finished | Cancelled)
                | (InProgress, InProgress | Finished | Cancelled)
        )
    }

    pub fn is_open(self) -> bool {
        matches!(self, VisitStatus::Arrived | VisitStatus::InProgress)
    }
}

#[cfg(test)]
mod tests {
    use super::VisitStatus::*;
    use super::*;

    #[test]
    fn a_visit_goes_from_arrived_through_in_progress_to_finished_and_never_back() {
        assert!(Arrived.can_become(InProgress));
        assert!(InProgress.can_become(Finished));
        assert!(Arrived.can_become(Finished));
        assert!(InProgress.can_become(InProgress));
        assert!(!Finished.can_become(InProgress));
        assert!(!Finished.can_become(Arrived));
        assert!(!InProgress.can_become(Arrived));
        assert!(!Cancelled.can_become(Finished));
        for s in VisitStatus::ALL {
            assert_eq!(VisitStatus::from_code(s.code()), Some(s));
        }
    }
}
