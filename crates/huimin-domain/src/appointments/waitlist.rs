//! Waitlist 候补: what happens when a place frees in a session people wait for.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaitlistMode {
    /// The first waiting patient is booked at once (free or pay-at-desk clinics).
    Book,
    /// The place is held for the first waiting patient, who confirms (and pays) within
    /// `offer_minutes`; if they do not, the place goes to the next one.
    Offer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WaitlistRule {
    pub mode: WaitlistMode,
    pub offer_minutes: u32,
}

impl Default for WaitlistRule {
    fn default() -> Self {
        WaitlistRule {
            mode: WaitlistMode::Book,
            offer_minutes: 30,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_mode_from_settings_text() {
        let rule: WaitlistRule = serde_json::from_str(r#"{"mode": "offer"}"#).unwrap();
        assert_eq!(rule.mode, WaitlistMode::Offer);
        assert_eq!(rule.offer_minutes, 30);
    }
}
