use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use huimin_store::DatabaseTarget;

/// A secret read from the environment or a flag; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Cost of password hashing. Production uses argon2's defaults; tests use the cheapest
/// parameters so a suite that logs in hundreds of times stays fast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordCost {
    Default,
    Fast,
}

/// Everything the server needs to start, already parsed (flags and environment are read by
/// the binary).
#[derive(Clone, Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `None`: the embedded SQLite file `<data_dir>/huimin.db`.
    pub database: Option<DatabaseTarget>,
    /// Base64 data key; `None` means the key file `<data_dir>/data.key`.
    pub data_key: Option<Secret>,
    pub demo: bool,
    pub admin_password: Option<Secret>,
    pub token_ttl: Duration,
    pub password_cost: PasswordCost,
    /// Failed logins of one account (from anywhere) before its back-off starts.
    pub login_account_free: u32,
    /// Failed logins from one client address (for any account) before its back-off starts;
    /// higher than the account's because many patients share a hospital's or a carrier's
    /// address.
    pub ip_failure_limit: u32,
    /// The first back-off; each further failure doubles it, up to `login_backoff_max`.
    pub login_backoff_base: Duration,
    pub login_backoff_max: Duration,
    /// A throttle key with no failure for this long starts again from zero.
    pub login_forget_after: Duration,
    /// Registrations from one client address before its back-off starts.
    pub register_address_free: u32,
    /// Booking thresholds (slot length, release, pools, holds, quotas, bans, cut-off).
    pub booking: crate::state::booking::BookingSettings,
    /// Rate limits and flags on booking operations (`HUIMIN_RATE_LIMIT=off` disables limits).
    pub guard: crate::state::guard::GuardSettings,
    /// How long the desk's one-time codes (claiming a record, resetting a password) last and
    /// how many wrong tries void one.
    pub desk_codes: huimin_domain::identity::DeskCodeRule,
    /// Whether this process delivers messages from the outbox (`HUIMIN_DELIVER_MESSAGES`).
    /// Any number of processes may; one that does not still writes the events.
    pub deliver_messages: bool,
    /// Whether patients pay registration fees online (`HUIMIN_ONLINE_PAYMENT`, off by
    /// default). Off: a patient books a paid place in one step and pays at the desk. On: the
    /// place is held (the booking rules' `hold.minutes`) until it is paid and confirmed.
    pub online_payment: bool,
    /// Whether the sandbox payment gateway is served and carries online payments
    /// (`HUIMIN_PAY_SANDBOX`; the demo's default). Never for production.
    pub pay_sandbox: bool,
    /// The address gateways send notifications to (`HUIMIN_PUBLIC_URL`); `None`: this
    /// server's own listening address.
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` names the client
    /// (`HUIMIN_TRUSTED_PROXIES`); empty: the TCP peer is the client.
    pub trusted_proxies: Vec<crate::client_addr::IpNet>,
    /// Header and idle timeouts, per-address and total connection caps.
    pub connections: crate::serve::ConnectionSettings,
    /// `Strict-Transport-Security: max-age=<seconds>` on every answer (`HUIMIN_HSTS_SECS`);
    /// `None` (default): the TLS proxy sends it.
    pub hsts_seconds: Option<u64>,
    /// The font printed records are set in (`HUIMIN_PDF_FONT`, `PATH` or `PATH#FACE`).
    pub pdf_font: crate::state::pdf_font::FontSource,
    /// Unknown verification codes an address may ask about per window (`/verify`).
    pub verify_failure_limit: u32,
    /// Where `/metrics` is served (`HUIMIN_METRICS_ADDR`): its own address, and then only
    /// there; `None` (default): on the main listener, to loopback clients only.
    pub metrics_addr: Option<SocketAddr>,
}

impl Settings {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: data_dir.into(),
            database: None,
            data_key: None,
            demo: false,
            admin_password: None,
            token_ttl: Duration::from_secs(3600),
            password_cost: PasswordCost::Default,
            login_account_free: 5,
            ip_failure_limit: 20,
            login_backoff_base: Duration::from_secs(1),
            login_backoff_max: Duration::from_secs(15 * 60),
            login_forget_after: Duration::from_secs(3600),
            register_address_free: 20,
            booking: crate::state::booking::BookingSettings::default(),
            guard: crate::state::guard::GuardSettings::default(),
            desk_codes: huimin_domain::identity::DeskCodeRule::default(),
            deliver_messages: true,
            online_payment: false,
            pay_sandbox: false,
            public_url: None,
            trusted_proxies: Vec::new(),
            connections: Default::default(),
            hsts_seconds: None,
            pdf_font: crate::state::pdf_font::FontSource::default(),
            verify_failure_limit: 10,
            metrics_addr: None,
        }
    }

    pub fn database_target(&self) -> DatabaseTarget {
        self.database
            .clone()
            .unwrap_or_else(|| DatabaseTarget::Sqlite {
                path: self.data_dir.join("huimin.db"),
            })
    }
}
