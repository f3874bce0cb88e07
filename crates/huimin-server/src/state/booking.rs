//! Booking thresholds as the handlers use them. Every one is a setting whose default is the
//! rule in DOMAIN.md §1; administrators change them per hospital and per department
//! (`rule_book.rs`).

use huimin_domain::appointments::{BookingRules, SlotLength};
use jiff::tz::TimeZone;

/// The rules with what the handlers derive from them once: the hospital's time zone and the
/// slot length (checked). The thresholds are read straight from `rules`.
#[derive(Clone, Debug)]
pub struct BookingSettings {
    /// The hospital's time zone for "today", release times and display (China: UTC+8).
    pub time_zone: TimeZone,
    pub slot_length: SlotLength,
    /// The thresholds, as administrators read and write them.
    pub rules: BookingRules,
}

impl Default for BookingSettings {
    fn default() -> Self {
        Self::new(
            huimin_clock::Clock::default().zone().clone(),
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
            rules: rules.clone(),
        }
    }
}
