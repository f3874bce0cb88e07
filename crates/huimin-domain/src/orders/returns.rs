//! No second queue (A7): a patient who comes back the same day with results goes back into
//! the same doctor's line ahead of everyone not yet called, without booking again; the wait
//! from the return to the call is measured.

use crate::i18n::Text;
use crate::records::VisitStatus;

/// What is known when a patient comes back with results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReturnFacts {
    /// The department lets same-day returns skip the queue (`orders.same_day_return`).
    pub enabled: bool,
    /// The visit's session is today.
    pub same_day: bool,
    pub visit: VisitStatus,
    /// The patient is in the line, not called.
    pub waiting: bool,
    /// The patient is called into the room now.
    pub called_in: bool,
    /// The visit has orders (not cancelled): the results the patient returns with.
    pub has_orders: bool,
}

/// Why a return is refused; `field` names what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnRefusal {
    pub field: &'static str,
    pub text: Text,
}

fn refuse(field: &'static str, zh: &str, en: &str) -> Result<(), ReturnRefusal> {
    Err(ReturnRefusal {
        field,
        text: Text::new(zh, en),
    })
}

/// Whether the patient may go back into the doctor's line without booking again.
pub fn check_return(f: ReturnFacts) -> Result<(), ReturnRefusal> {
    if !f.enabled {
        return refuse(
            "department",
            "本科室未开启“当日带结果回诊免排队”，请重新挂号",
            "This department does not take same-day returns ahead of the line: book again",
        );
    }
    if !f.same_day {
        return refuse(
            "date",
            "只有当日就诊可以带结果回诊免排队，请重新挂号",
            "Only a visit of today can return ahead of the line: book again",
        );
    }
    match f.visit {
        VisitStatus::Cancelled => {
            return refuse("status", "该就诊已取消", "This visit was cancelled");
        }
        VisitStatus::Arrived => {
            return refuse(
                "status",
                "患者尚未就诊，请按原号候诊",
                "The patient has not been seen yet: they wait with their number",
            );
        }
        _ => {}
    }
    if f.called_in {
        return refuse("status", "患者已在诊室", "The patient is in the room now");
    }
    if f.waiting {
        return refuse(
            "status",
            "患者已在候诊队列中",
            "The patient is already in the line",
        );
    }
    if !f.has_orders {
        return refuse(
            "orders",
            "该就诊没有开具检查检验，不能带结果回诊",
            "This visit ordered no tests: there are no results to come back with",
        );
    }
    Ok(())
}

/// The order key that puts a returning patient ahead of every waiting key.
pub fn return_key(waiting_keys: &[i64]) -> i64 {
    waiting_keys.iter().min().map_or(0, |k| k.saturating_sub(1))
}

/// The waits after returns, in numbers: `(returned_at, called_at)` in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReturnWaits {
    pub returns: usize,
    /// Called in again.
    pub called: usize,
    /// Mean and longest wait of those called, in whole minutes (rounded up).
    pub average_minutes: i64,
    pub longest_minutes: i64,
}

impl ReturnWaits {
    pub fn of(returns: &[(i64, Option<i64>)]) -> ReturnWaits {
        let waits: Vec<i64> = returns
            .iter()
            .filter_map(|(at, called)| called.map(|c| (c - at).max(0)))
            .collect();
        let minutes = |micros: i64| (micros + 59_999_999) / 60_000_000;
        let total: i64 = waits.iter().sum();
        ReturnWaits {
            returns: returns.len(),
            called: waits.len(),
            average_minutes: if waits.is_empty() {
                0
            } else {
                minutes(total / waits.len() as i64)
            },
            longest_minutes: waits.iter().max().map_or(0, |w| minutes(*w)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ReturnFacts {
        ReturnFacts {
            enabled: true,
            same_day: true,
            visit: VisitStatus::Finished,
            waiting: false,
            called_in: false,
            has_orders: true,
        }
    }

    #[test]
    fn a_seen_patient_with_orders_returns_the_same_day() {
        assert_eq!(check_return(facts()), Ok(()));
        let passed = ReturnFacts {
            visit: VisitStatus::InProgress,
            ..facts()
        };
        assert_eq!(check_return(passed), Ok(()), "seen, sent out, not called");
    }

    #[test]
    fn returns_are_refused_with_the_reason() {
        let field = |f: ReturnFacts| check_return(f).unwrap_err().field;
        assert_eq!(
            field(ReturnFacts {
                enabled: false,
                ..facts()
            }),
            "department"
        );
        assert_eq!(
            field(ReturnFacts {
                same_day: false,
                ..facts()
            }),
            "date"
        );
        assert_eq!(
            field(ReturnFacts {
                visit: VisitStatus::Arrived,
                ..facts()
            }),
            "status"
        );
        assert_eq!(
            field(ReturnFacts {
                visit: VisitStatus::Cancelled,
                ..facts()
            }),
            "status"
        );
        assert_eq!(
            field(ReturnFacts {
                waiting: true,
                ..facts()
            }),
            "status"
        );
        assert_eq!(
            field(ReturnFacts {
                called_in: true,
                ..facts()
            }),
            "status"
        );
        assert_eq!(
            field(ReturnFacts {
                has_orders: false,
                ..facts()
            }),
            "orders"
        );
    }

    #[test]
    fn a_returning_patient_goes_ahead_of_every_waiting_key() {
        assert_eq!(return_key(&[3000, 1000, 2000]), 999);
        assert_eq!(return_key(&[-5]), -6);
        assert_eq!(return_key(&[]), 0);
    }

    #[test]
    fn waits_are_measured_from_return_to_call() {
        let min = 60_000_000;
        let w = ReturnWaits::of(&[(0, Some(4 * min)), (10 * min, Some(12 * min)), (0, None)]);
        assert_eq!(w.returns, 3);
        assert_eq!(w.called, 2);
        assert_eq!(w.average_minutes, 3);
        assert_eq!(w.longest_minutes, 4);
        assert_eq!(ReturnWaits::of(&[]), ReturnWaits::default());
        assert_eq!(
            ReturnWaits::of(&[(0, Some(1))]).longest_minutes,
            1,
            "rounded up"
        );
    }
}
