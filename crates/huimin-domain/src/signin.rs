//! Signing in: the back-off after repeated failures, and the user agent's family that a
//! session list shows instead of the raw `User-Agent` text.

use std::time::Duration;

/// Exponential back-off: the first `free` failures cost nothing; failure `free` refuses the
/// key for `base`, each further failure doubles that, up to `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub free: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    /// How long a key is refused after its `failures`-th failure (zero while free).
    pub fn after(&self, failures: i64) -> Duration {
        let free = i64::from(self.free.max(1));
        if failures < free {
            return Duration::ZERO;
        }
        let doublings = u32::try_from(failures - free).unwrap_or(u32::MAX).min(40);
        let factor = 1u64 << doublings;
        let micros = u64::try_from(self.base.as_micros())
            .unwrap_or(u64::MAX)
            .saturating_mul(factor);
        Duration::from_micros(micros).min(self.max)
    }
}

/// Whole seconds to wait until `until` from `now` (microseconds), at least one.
pub fn seconds_until(until_micros: i64, now_micros: i64) -> u64 {
    let micros = (until_micros - now_micros).max(0) as u64;
    micros.div_ceil(1_000_000).max(1)
}

/// The family of a `User-Agent` ("Chrome on Android", "WeChat on iOS", "curl"): enough for
/// a person to recognise their own device, too little to fingerprint it. Unknown agents are
/// `"other"`; the text is never kept beyond this.
pub fn user_agent_family(user_agent: &str) -> String {
    let ua = user_agent.to_ascii_lowercase();
    let browser = [
        ("micromessenger", "WeChat"),
        ("alipayclient", "Alipay"),
        ("edg/", "Edge"),
        ("opr/", "Opera"),
        ("firefox/", "Firefox"),
        ("chrome/", "Chrome"),
        ("crios/", "Chrome"),
        ("safari/", "Safari"),
        ("curl/", "curl"),
        ("reqwest", "HTTP client"),
        ("python", "HTTP client"),
        ("okhttp", "HTTP client"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    let system = [
        ("harmonyos", "HarmonyOS"),
        ("android", "Android"),
        ("iphone", "iOS"),
        ("ipad", "iOS"),
        ("windows", "Windows"),
        ("mac os", "macOS"),
        ("linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) => "other".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKOFF: Backoff = Backoff {
        free: 5,
        base: Duration::from_secs(1),
        max: Duration::from_secs(900),
    };

    #[test]
    fn the_first_failures_are_free_then_the_wait_doubles_up_to_the_cap() {
        let waits: Vec<u64> = (1..=16).map(|n| BACKOFF.after(n).as_secs()).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
        );
        assert_eq!(BACKOFF.after(i64::MAX).as_secs(), 900);
    }

    #[test]
    fn a_wait_is_at_least_a_second_and_rounds_up() {
        assert_eq!(seconds_until(10, 10), 1);
        assert_eq!(seconds_until(1_000_001, 0), 2);
        assert_eq!(seconds_until(0, 5_000_000), 1);
    }

    #[test]
    fn user_agents_are_reduced_to_their_family() {
        let wechat = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47";
        assert_eq!(user_agent_family(wechat), "WeChat on iOS");
        let chrome = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like \
                      Gecko) Chrome/120.0 Mobile Safari/537.36";
        assert_eq!(user_agent_family(chrome), "Chrome on Android");
        assert_eq!(user_agent_family("curl/8.5.0"), "curl");
        assert_eq!(user_agent_family(""), "other");
    }
}
