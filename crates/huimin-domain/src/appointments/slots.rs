//! Cutting a clinic session into slot sources (号源).
//!
//! DOMAIN §1: secondary-and-above hospitals book outpatients into slots of
//! at most 30 minutes. Queue numbers (就诊序号) run 1..=capacity in time order
//! so the number on a patient's slip also tells them roughly when to come.

use crate::i18n::Text;
use jiff::SignedDuration;
use jiff::civil::DateTime;

/// The national upper bound on an outpatient slot.
const MAX_SLOT_MINUTES: u16 = 30;
/// Below this a slot is shorter than any real consultation.
const MIN_SLOT_MINUTES: u16 = 5;
/// A session is one period of one day; anything longer is a typo that would
/// otherwise allocate thousands of slots.
const MAX_SESSION_HOURS: i64 = 24;

/// Length of the slots a session is cut into, 5..=30 minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SlotLength(u16);

impl SlotLength {
    pub fn new(minutes: u16) -> Result<Self, SlotError> {
        if (MIN_SLOT_MINUTES..=MAX_SLOT_MINUTES).contains(&minutes) {
            Ok(SlotLength(minutes))
        } else {
            Err(SlotError::LengthOutOfRange { minutes })
        }
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    fn duration(self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.0))
    }
}

/// One planned slot of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotPlan {
    pub start: DateTime,
    pub end: DateTime,
    pub capacity: u32,
    /// The first queue number of this slot. A slot with capacity 0 (more
    /// slots than places) carries the next unused number and owns none.
    pub first_queue_number: u32,
}

/// Why a slot or session could not be planned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    #[error("Slot length must be between 5 and 30 minutes, got {minutes}")]
    LengthOutOfRange { minutes: u16 },
    #[error("A slot or session must end after it starts")]
    EndNotAfterStart,
    #[error("A slot cannot be longer than 30 minutes; this one is {minutes} minutes")]
    TooLong { minutes: i64 },
    #[error("A session cannot be longer than 24 hours")]
    SessionTooLong,
    #[error("A session needs at least one place")]
    NoCapacity,
}

impl SlotError {
    /// The message in both languages; `en` equals `Display`.
    pub fn message(&self) -> Text {
        let zh = match self {
            SlotError::LengthOutOfRange { minutes } => {
                format!("号源时段长度须为 5 至 30 分钟，当前为 {minutes} 分钟")
            }
            SlotError::EndNotAfterStart => "结束时间必须晚于开始时间".to_owned(),
            SlotError::TooLong { minutes } => {
                format!("号源时段不能超过 30 分钟，当前为 {minutes} 分钟")
            }
            SlotError::SessionTooLong => "一个出诊单元不能超过 24 小时".to_owned(),
            SlotError::NoCapacity => "出诊单元的号源数至少为 1".to_owned(),
        };
        Text::new(zh, self.to_string())
    }
}

/// Checks a single hand-made slot (e.g. an extra slot 加号 added by a doctor)
/// against the 30-minute rule.
pub fn validate_slot(start: DateTime, end: DateTime) -> Result<(), SlotError> {
    let length = end.duration_since(start);
    if length <= SignedDuration::ZERO {
        return Err(SlotError::EndNotAfterStart);
    }
    if length > SignedDuration::from_mins(i64::from(MAX_SLOT_MINUTES)) {
        // Round up so "30 minutes and 1 second" is reported as 31, not 30.
        let minutes = (length.as_secs() + 59) / 60;
        return Err(SlotError::TooLong { minutes });
    }
    Ok(())
}

/// Cuts `start..end` into consecutive slots of `length` (the last may be
/// shorter) and spreads `capacity` over them, earlier slots taking the
/// remainder because patients prefer to be seen early.
pub fn cut_session(
    start: DateTime,
    end: DateTime,
    length: SlotLength,
    capacity: u32,
) -> Result<Vec<SlotPlan>, SlotError> {
    let total = end.duration_since(start);
    if total <= SignedDuration::ZERO {
        return Err(SlotError::EndNotAfterStart);
    }
    if total > SignedDuration::from_hours(MAX_SESSION_HOURS) {
        return Err(SlotError::SessionTooLong);
    }
    if capacity == 0 {
        return Err(SlotError::NoCapacity);
    }
    let step = length.duration();
    let mut bounds = Vec::new();
    let mut slot_start = start;
    while slot_start < end {
        // In range: the session is at most 24 h and `end` is a valid DateTime.
        let slot_end = slot_start.saturating_add(step).min(end);
        bounds.push((slot_start, slot_end));
        slot_start = slot_end;
    }
    // At most 24 * 60 / 5 = 288 slots, so the count fits in u32.
    let count = bounds.len() as u32;
    let (base, remainder) = (capacity / count, capacity % count);
    let mut next_number = 1;
    let plans = bounds
        .into_iter()
        .zip(0u32..)
        .map(|((start, end), index)| {
            let capacity = base + u32::from(index < remainder);
            let plan = SlotPlan {
                start,
                end,
                capacity,
                first_queue_number: next_number,
            };
            next_number += capacity;
            plan
        })
        .collect();
    Ok(plans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::datetime;
    use proptest::prelude::*;

    fn at(h: i8, m: i8) -> DateTime {
        datetime(2026, 3, 2, h, m, 0, 0)
    }

    #[test]
    fn slot_length_accepts_only_5_to_30_minutes() {
        assert!(SlotLength::new(4).is_err());
        assert_eq!(SlotLength::new(5).unwrap().minutes(), 5);
        assert_eq!(SlotLength::new(30).unwrap().minutes(), 30);
        let err = SlotLength::new(31).unwrap_err();
        assert_eq!(err, SlotError::LengthOutOfRange { minutes: 31 });
        assert_eq!(
            err.message().zh,
            "号源时段长度须为 5 至 30 分钟，当前为 31 分钟"
        );
    }

    #[test]
    fn a_morning_is_cut_into_half_hours_with_the_remainder_first() {
        let plans = cut_session(at(8, 0), at(12, 0), SlotLength::new(30).unwrap(), 30).unwrap();
        assert_eq!(plans.len(), 8);
        let caps: Vec<_> = plans.iter().map(|p| p.capacity).collect();
        assert_eq!(caps, [4, 4, 4, 4, 4, 4, 3, 3]);
        let firsts: Vec<_> = plans.iter().map(|p| p.first_queue_number).collect();
        assert_eq!(firsts, [1, 5, 9, 13, 17, 21, 25, 28]);
        assert_eq!(plans[7].end, at(12, 0));
    }

    #[test]
    fn the_last_slot_may_be_shorter() {
        let plans = cut_session(at(13, 30), at(14, 40), SlotLength::new(30).unwrap(), 3).unwrap();
        assert_eq!(plans.len(), 3);
        assert_eq!((plans[2].start, plans[2].end), (at(14, 30), at(14, 40)));
    }

    #[test]
    fn fewer_places_than_slots_leaves_late_slots_empty() {
        let plans = cut_session(at(8, 0), at(9, 0), SlotLength::new(15).unwrap(), 2).unwrap();
        let caps: Vec<_> = plans.iter().map(|p| p.capacity).collect();
        assert_eq!(caps, [1, 1, 0, 0]);
        assert_eq!(plans[3].first_queue_number, 3);
    }

    #[test]
    fn empty_or_absurd_sessions_are_refused() {
        let len = SlotLength::new(10).unwrap();
        assert_eq!(
            cut_session(at(9, 0), at(9, 0), len, 5),
            Err(SlotError::EndNotAfterStart)
        );
        assert_eq!(
            cut_session(at(9, 0), at(8, 0), len, 5),
            Err(SlotError::EndNotAfterStart)
        );
        assert_eq!(
            cut_session(at(8, 0), at(9, 0), len, 0),
            Err(SlotError::NoCapacity)
        );
        let far = datetime(2026, 3, 4, 8, 0, 0, 0);
        assert_eq!(
            cut_session(at(8, 0), far, len, 5),
            Err(SlotError::SessionTooLong)
        );
    }

    #[test]
    fn validate_slot_enforces_the_30_minute_rule() {
        assert_eq!(validate_slot(at(8, 0), at(8, 30)), Ok(()));
        assert_eq!(
            validate_slot(at(8, 0), at(8, 0)),
            Err(SlotError::EndNotAfterStart)
        );
        let err = validate_slot(at(8, 0), at(8, 45)).unwrap_err();
        assert_eq!(err, SlotError::TooLong { minutes: 45 });
        assert!(err.message().zh.starts_with("号源时段不能超过 30 分钟"));
        let just_over = datetime(2026, 3, 2, 8, 30, 1, 0);
        assert_eq!(
            validate_slot(at(8, 0), just_over),
            Err(SlotError::TooLong { minutes: 31 })
        );
    }

    proptest! {
        #[test]
        fn cut_session_keeps_every_invariant(
            start_min in 0i64..(20 * 60),
            session_min in 1i64..(4 * 60),
            length in 5u16..=30,
            capacity in 1u32..500,
        ) {
            let start = at(0, 0).saturating_add(SignedDuration::from_mins(start_min));
            let end = start.saturating_add(SignedDuration::from_mins(session_min));
            let length = SlotLength::new(length).unwrap();
            let plans = cut_session(start, end, length, capacity).unwrap();

            prop_assert_eq!(plans.iter().map(|p| p.capacity).sum::<u32>(), capacity);
            prop_assert_eq!(plans[0].start, start);
            prop_assert_eq!(plans.last().unwrap().end, end);
            let mut next = 1;
            for (i, p) in plans.iter().enumerate() {
                prop_assert!(p.start < p.end);
                prop_assert!(p.end.duration_since(p.start) <= length.duration());
                prop_assert!(validate_slot(p.start, p.end).is_ok());
                if let Some(following) = plans.get(i + 1) {
                    prop_assert_eq!(p.end, following.start);
                    // Evenly spread, remainder first: never smaller than a later slot, by at most 1.
                    prop_assert!(p.capacity >= following.capacity);
                    prop_assert!(p.capacity - following.capacity <= 1);
                }
                prop_assert_eq!(p.first_queue_number, next);
                next += p.capacity;
            }
            prop_assert_eq!(next, capacity + 1);
        }
    }
}
