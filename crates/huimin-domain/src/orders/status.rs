//! The closed loop of an order: ordered → paid → scheduled → collected (lab) or performed
//! (imaging, exam) → reported → reviewed by the ordering doctor; cancelled only before the
//! specimen is collected or the service performed. Scheduling may be skipped (a blood draw at
//! the window needs no appointment).

use crate::i18n::Text;
use crate::roles::Role;

use super::OrderCategory;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrderStatus {
    Ordered,
    Paid,
    Scheduled,
    Collected,
    Performed,
    Reported,
    Reviewed,
    Cancelled,
}

/// A move of an order to the status it names.
pub type Step = OrderStatus;

/// Why a step is refused; `field` names what the caller sent wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRefusal {
    pub field: &'static str,
    pub text: Text,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::Ordered,
        OrderStatus::Paid,
        OrderStatus::Scheduled,
        OrderStatus::Collected,
        OrderStatus::Performed,
        OrderStatus::Reported,
        OrderStatus::Reviewed,
        OrderStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Ordered => "ordered",
            OrderStatus::Paid => "paid",
            OrderStatus::Scheduled => "scheduled",
            OrderStatus::Collected => "collected",
            OrderStatus::Performed => "performed",
            OrderStatus::Reported => "reported",
            OrderStatus::Reviewed => "reviewed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Where the order stands, as the patient and the doctor read it.
    pub fn label(self) -> Text {
        match self {
            OrderStatus::Ordered => Text::new("已开单，待缴费", "Ordered: to be paid"),
            OrderStatus::Paid => Text::new("已缴费，待检查", "Paid: waiting for the service"),
            OrderStatus::Scheduled => Text::new("已预约检查", "Scheduled"),
            OrderStatus::Collected => Text::new("已采样，待报告", "Specimen taken: report pending"),
            OrderStatus::Performed => Text::new("已检查，待报告", "Done: report pending"),
            OrderStatus::Reported => Text::new("已出报告", "Reported"),
            OrderStatus::Reviewed => Text::new("医生已查看报告", "Reviewed by the doctor"),
            OrderStatus::Cancelled => Text::new("已撤销", "Cancelled"),
        }
    }

    /// FHIR `ServiceRequest.status`: in the loop `active`, reported or reviewed `completed`,
    /// cancelled `revoked`.
    pub fn fhir_status(self) -> &'static str {
        match self {
            OrderStatus::Reported | OrderStatus::Reviewed => "completed",
            OrderStatus::Cancelled => "revoked",
            _ => "active",
        }
    }

    /// The statuses a FHIR status covers, for searches by it.
    pub fn of_fhir_status(code: &str) -> Option<Vec<OrderStatus>> {
        let all: Vec<OrderStatus> = Self::ALL
            .into_iter()
            .filter(|s| s.fhir_status() == code)
            .collect();
        (!all.is_empty()).then_some(all)
    }

    /// Waiting for the service or its report: the turnaround clock runs.
    pub fn in_service(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid
                | OrderStatus::Scheduled
                | OrderStatus::Collected
                | OrderStatus::Performed
        )
    }

    /// The specimen was taken or the service given: its charge is no longer refundable.
    pub fn is_given(self) -> bool {
        matches!(
            self,
            OrderStatus::Collected
                | OrderStatus::Performed
                | OrderStatus::Reported
                | OrderStatus::Reviewed
        )
    }

    /// Who takes an order to this status: `None` for `paid` (only a payment does) and
    /// `ordered` (the start).
    pub fn taken_by(self) -> Option<Role> {
        match self {
            OrderStatus::Ordered | OrderStatus::Paid => None,
            OrderStatus::Reviewed | OrderStatus::Cancelled => Some(Role::Doctor),
            _ => Some(Role::Technician),
        }
    }

    /// Checks moving an order of `category` from `self` to `to`.
    pub fn step(self, to: Step, category: OrderCategory) -> Result<(), StepRefusal> {
        use OrderStatus::*;
        let lab = category == OrderCategory::Lab;
        if to == Collected && !lab {
            return Err(StepRefusal {
                field: "status",
                text: Text::new(
                    "只有检验项目需要采样；影像和检查项目请标记为“已检查”",
                    "Only lab items are collected; mark imaging and exams as performed",
                ),
            });
        }
        if to == Performed && lab {
            return Err(StepRefusal {
                field: "status",
                text: Text::new(
                    "检验项目请标记为“已采样”",
                    "A lab item is marked collected, not performed",
                ),
            });
        }
        let allowed = match to {
            Ordered => false,
            Paid => self == Ordered,
            Scheduled => self == Paid,
            Collected | Performed => matches!(self, Paid | Scheduled),
            Reported => matches!(self, Collected | Performed),
            Reviewed => self == Reported,
            Cancelled => matches!(self, Ordered | Paid | Scheduled),
        };
        if allowed {
            return Ok(());
        }
        if to == Cancelled {
            return Err(StepRefusal {
                field: "status",
                text: if self.is_given() {
                    Text::new(
                        "已采样或已检查的项目不能撤销",
                        "An order already collected or performed cannot be cancelled",
                    )
                } else {
                    Text::new("该项目已撤销", "This order is already cancelled")
                },
            });
        }
        Err(StepRefusal {
            field: "status",
            text: Text::new(
                format!(
                    "医嘱当前为“{}”，不能改为“{}”",
                    self.label().zh,
                    to.label().zh
                ),
                format!(
                    "The order is {} and cannot become {}",
                    self.code(),
                    to.code()
                ),
            ),
        })
    }
}

/// Whether an order has stalled: in service for longer than its item's turnaround since it
/// was paid.
pub fn is_stalled(
    status: OrderStatus,
    paid_at: Option<i64>,
    turnaround_hours: u32,
    now: i64,
) -> bool {
    let Some(paid_at) = paid_at else {
        return false;
    };
    status.in_service() && now - paid_at > i64::from(turnaround_hours) * 3_600_000_000
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    const LAB: OrderCategory = OrderCategory::Lab;
    const IMG: OrderCategory = OrderCategory::Imaging;

    #[test]
    fn a_lab_order_walks_the_whole_loop() {
        let path = [Ordered, Paid, Scheduled, Collected, Reported, Reviewed];
        for w in path.windows(2) {
            assert_eq!(w[0].step(w[1], LAB), Ok(()), "{:?} → {:?}", w[0], w[1]);
        }
        assert_eq!(
            Paid.step(Collected, LAB),
            Ok(()),
            "scheduling may be skipped"
        );
    }

    #[test]
    fn imaging_is_performed_and_labs_are_collected() {
        assert!(Paid.step(Performed, IMG).is_ok());
        assert!(Scheduled.step(Performed, OrderCategory::Exam).is_ok());
        assert_eq!(Paid.step(Collected, IMG).unwrap_err().field, "status");
        assert!(Paid.step(Performed, LAB).is_err());
        assert!(Performed.step(Reported, IMG).is_ok());
    }

    #[test]
    fn steps_out_of_sequence_are_refused() {
        assert!(Ordered.step(Scheduled, LAB).is_err(), "not paid");
        assert!(Ordered.step(Collected, LAB).is_err());
        assert!(Paid.step(Reported, LAB).is_err());
        assert!(Collected.step(Reviewed, LAB).is_err());
        assert!(Reviewed.step(Reported, LAB).is_err());
        assert!(Cancelled.step(Paid, LAB).is_err());
        assert!(Paid.step(Paid, LAB).is_err(), "a step is taken once");
        for s in OrderStatus::ALL {
            assert!(s.step(Ordered, LAB).is_err());
        }
        let text = Ordered.step(Reported, LAB).unwrap_err().text;
        assert!(text.zh.contains("已开单"), "{}", text.zh);
        assert!(text.en.contains("ordered"), "{}", text.en);
    }

    #[test]
    fn an_order_is_cancelled_only_before_it_is_given() {
        for s in [Ordered, Paid, Scheduled] {
            assert!(s.step(Cancelled, LAB).is_ok(), "{s:?}");
        }
        for s in [Collected, Performed, Reported, Reviewed] {
            let refusal = s.step(Cancelled, IMG).unwrap_err();
            assert!(refusal.text.en.contains("cannot be cancelled"), "{s:?}");
        }
        assert!(
            Cancelled
                .step(Cancelled, LAB)
                .unwrap_err()
                .text
                .en
                .contains("already")
        );
    }

    #[test]
    fn fhir_statuses_follow_the_contract() {
        let active = OrderStatus::of_fhir_status("active").unwrap();
        assert_eq!(active, [Ordered, Paid, Scheduled, Collected, Performed]);
        assert_eq!(
            OrderStatus::of_fhir_status("completed").unwrap(),
            [Reported, Reviewed]
        );
        assert_eq!(Cancelled.fhir_status(), "revoked");
        assert_eq!(OrderStatus::of_fhir_status("draft"), None);
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn who_takes_each_step() {
        assert_eq!(Paid.taken_by(), None);
        assert_eq!(Collected.taken_by(), Some(Role::Technician));
        assert_eq!(Reported.taken_by(), Some(Role::Technician));
        assert_eq!(Reviewed.taken_by(), Some(Role::Doctor));
        assert_eq!(Cancelled.taken_by(), Some(Role::Doctor));
    }

    #[test]
    fn an_order_stalls_past_its_turnaround_since_paid() {
        let hour = 3_600_000_000;
        assert!(!is_stalled(Paid, Some(0), 2, 2 * hour));
        assert!(is_stalled(Paid, Some(0), 2, 2 * hour + 1));
        assert!(is_stalled(Collected, Some(0), 2, 3 * hour));
        assert!(!is_stalled(Reported, Some(0), 2, 30 * hour), "reported");
        assert!(!is_stalled(Cancelled, Some(0), 2, 30 * hour));
        assert!(
            !is_stalled(Ordered, None, 2, 30 * hour),
            "the clock starts at payment"
        );
    }
}
