//! Why money went back to a patient: shown on the bill, in the refund message and on the
//! cashier's report.

use crate::i18n::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefundReason {
    /// The appointment was cancelled (by the patient or the desk).
    Cancelled,
    /// The doctor's session was stopped and the patient not moved.
    SessionSuspended,
    /// Moved to a doctor whose fee is lower: the difference.
    MovedCheaper,
    /// A patient moved by the hospital did not accept the move.
    MoveDeclined,
    /// A refund the desk made, with its own note.
    Desk,
    /// The doctor cancelled a paid order (exam or lab) before it was given.
    OrderCancelled,
}

impl RefundReason {
    pub const ALL: [RefundReason; 6] = [
        RefundReason::Cancelled,
        RefundReason::SessionSuspended,
        RefundReason::MovedCheaper,
        RefundReason::MoveDeclined,
        RefundReason::Desk,
        RefundReason::OrderCancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RefundReason::Cancelled => "cancelled",
            RefundReason::SessionSuspended => "session-suspended",
            RefundReason::MovedCheaper => "moved-cheaper",
            RefundReason::MoveDeclined => "move-declined",
            RefundReason::Desk => "desk",
            RefundReason::OrderCancelled => "order-cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn text(self) -> Text {
        match self {
            RefundReason::Cancelled => Text::new("取消预约", "appointment cancelled"),
            RefundReason::SessionSuspended => Text::new("医生停诊", "the doctor's clinic stopped"),
            RefundReason::MovedCheaper => Text::new(
                "改约至挂号费较低的医生，退还差额",
                "moved to a lower fee: the difference",
            ),
            RefundReason::MoveDeclined => Text::new("不接受改约", "the move was declined"),
            RefundReason::Desk => Text::new("窗口退费", "refunded at the desk"),
            RefundReason::OrderCancelled => {
                Text::new("检查检验医嘱已撤销", "the exam or lab order was cancelled")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for reason in RefundReason::ALL {
            assert_eq!(RefundReason::from_code(reason.code()), Some(reason));
            assert!(!reason.text().zh.is_empty() && !reason.text().en.is_empty());
        }
        assert_eq!(RefundReason::from_code("whim"), None);
    }
}
