//! When a failed delivery is tried again: 10 s, doubling, at most an hour apart; after 12
//! attempts (about five hours) the delivery is given up and kept as `dead` for an operator.

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i64 = 12;

/// Seconds to wait after the `attempts`-th failed attempt, or `None` to give up.
pub fn retry_after_seconds(attempts: i64) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doubled = 10i64.saturating_mul(1 << (attempts - 1).clamp(0, 20));
    Some(doubled.min(3_600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_an_hour_then_give_up() {
        assert_eq!(retry_after_seconds(1), Some(10));
        assert_eq!(retry_after_seconds(2), Some(20));
        assert_eq!(retry_after_seconds(3), Some(40));
        assert_eq!(retry_after_seconds(10), Some(3_600));
        assert_eq!(retry_after_seconds(11), Some(3_600));
        assert_eq!(retry_after_seconds(12), None);
    }
}
