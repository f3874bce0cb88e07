//! Anti-scalping guards on booking operations (A8): rate limits per patient account and per
//! client address (429 with `Retry-After`), and a flag — not a block — on addresses that book
//! for many unrelated patients. Staff (window, administrators) are not limited.
//! `HUIMIN_RATE_LIMIT=off` turns the limits off for load tests.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;

use crate::context::Ctx;
use crate::error::ApiError;

/// Limits per minute, with bursts, and the flag threshold.
#[derive(Clone, Debug)]
pub struct GuardSettings {
    pub enabled: bool,
    pub per_account_per_minute: u32,
    pub per_address_per_minute: u32,
    /// Distinct patients booked for from one address within an hour before it is flagged.
    pub flag_distinct_patients: usize,
}

impl Default for GuardSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            per_account_per_minute: 20,
            per_address_per_minute: 60,
            flag_distinct_patients: 10,
        }
    }
}

/// Per address: when its window started, the patients booked for since, whether flagged.
struct AddressWindow {
    started: Instant,
    patients: HashSet<String>,
    flagged: bool,
}

impl AddressWindow {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            patients: HashSet::new(),
            flagged: false,
        }
    }
}

pub struct BookingGuard {
    settings: GuardSettings,
    accounts: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    seen: Mutex<HashMap<IpAddr, AddressWindow>>,
}

fn quota(per_minute: u32) -> Quota {
    let rate = NonZeroU32::new(per_minute.max(1)).expect("at least one");
    let burst = NonZeroU32::new((per_minute / 2).max(1)).expect("at least one");
    Quota::per_minute(rate).allow_burst(burst)
}

const FLAG_WINDOW: Duration = Duration::from_secs(3600);

impl BookingGuard {
    pub fn new(settings: GuardSettings) -> Self {
        Self {
            accounts: RateLimiter::keyed(quota(settings.per_account_per_minute)),
            addresses: RateLimiter::keyed(quota(settings.per_address_per_minute)),
            settings,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// 429 when the patient account or its address has booked too often just now.
    pub fn check(&self, ctx: &Ctx) -> Result<(), ApiError> {
        let Some(caller) = &ctx.caller else {
            return Ok(());
        };
        if !self.settings.enabled || caller.role != Role::Patient {
            return Ok(());
        }
        let clock = DefaultClock::default();
        let wait = match (
            self.accounts.check_key(&caller.user_id),
            self.addresses.check_key(&ctx.ip),
        ) {
            (Ok(()), Ok(())) => return Ok(()),
            (Err(n), _) | (_, Err(n)) => n.wait_time_from(clock.now()),
        };
        if self.accounts.len() > 100_000 {
            self.accounts.retain_recent();
            self.addresses.retain_recent();
        }
        let seconds = wait.as_secs().max(1);
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            Text::new(
                format!("操作过于频繁，请 {seconds} 秒后再试"),
                format!(
                    "Too many booking requests; try again in {}",
                    huimin_domain::i18n::en_count(seconds, "second")
                ),
            ),
        );
        error.retry_after = Some(seconds);
        Err(error)
    }

    /// Records a booking by a patient account from the caller's address and returns `true`
    /// the first time that address crosses the flag threshold within the window.
    pub fn note_booking(&self, ctx: &Ctx, patient_id: &str) -> bool {
        let Some(caller) = &ctx.caller else {
            return false;
        };
        if caller.role != Role::Patient {
            return false;
        }
        let mut seen = self.seen.lock().expect("guard lock");
        if seen.len() > 100_000 {
            seen.retain(|_, window| window.started.elapsed() < FLAG_WINDOW);
        }
        let window = seen.entry(ctx.ip).or_insert_with(AddressWindow::new);
        if window.started.elapsed() >= FLAG_WINDOW {
            *window = AddressWindow::new();
        }
        window.patients.insert(patient_id.to_owned());
        if window.patients.len() >= self.settings.flag_distinct_patients && !window.flagged {
            window.flagged = true;
            return true;
        }
        false
    }
}
