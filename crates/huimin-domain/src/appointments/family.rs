//! How many patients (family members, 就诊人) one account may manage.

use super::BookingRefusal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FamilyRule {
    pub limit: u32,
}

impl Default for FamilyRule {
    fn default() -> Self {
        FamilyRule { limit: 5 }
    }
}

/// Whether one more patient may be added to an account that already has
/// `current` patients. A cap keeps one account from booking for strangers.
pub fn check_family_limit(rule: &FamilyRule, current: u32) -> Result<(), BookingRefusal> {
    if current >= rule.limit {
        return Err(BookingRefusal::FamilyLimit { limit: rule.limit });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sixth_patient_is_refused() {
        let rule = FamilyRule::default();
        assert_eq!(check_family_limit(&rule, 4), Ok(()));
        let err = check_family_limit(&rule, 5).unwrap_err();
        assert_eq!(err, BookingRefusal::FamilyLimit { limit: 5 });
        assert_eq!(err.message().zh, "每个账号最多添加 5 位就诊人");
    }
}
