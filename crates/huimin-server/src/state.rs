use std::ops::Deref;
use std::sync::Arc;

use huimin_store::Store;

use crate::auth::password::Passwords;
use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::config::Settings;

/// Shared by every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub tokens: TokenKeys,
    pub passwords: Passwords,
    pub throttle: LoginThrottle,
    pub guard: crate::appointments::guard::BookingGuard,
    pub callers: crate::auth::callers::CallerCache,
    /// Booking thresholds in force (stored per hospital and department).
    pub rules: crate::appointments::rules::RuleBook,
    pub settings: Settings,
}

impl AppState {
    pub fn new(inner: Inner) -> Self {
        Self(Arc::new(inner))
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
