//! Start-up as a library function, so tests start the real server on port 0.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use huimin_clock::Clock;
use huimin_store::{DataKey, KeySource, Store};
use tokio::net::{TcpListener, TcpSocket};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;
use crate::state::guard::BookingGuard;
use crate::state::passwords::Passwords;
use crate::state::pdf_font::PdfFonts;
use crate::state::rule_book::RuleBook;
use crate::state::throttle::LoginThrottle;
use crate::state::tokens::TokenKeys;
use crate::state::{AppState, Inner};
use crate::{accounts, appointments, auth, billing, demo, fhir, identity, messages, records};

/// Request bodies larger than this are refused (413) before they are read.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Connections the kernel queues until the server accepts them. At the release instant of
/// 放号 hundreds of phones connect at once; past the queue's length the kernel drops their
/// handshakes and each retries a second later. The usual default, 128, cost a cold flash
/// crowd of 500 a one-second stall. The kernel caps it at `net.core.somaxconn` (4096 by
/// default since Linux 5.4).
const LISTEN_BACKLOG: u32 = 4096;

/// Listens on `addr` with [`LISTEN_BACKLOG`] (and, on Unix, `SO_REUSEADDR`, as the standard
/// bind does, so a restarted server need not wait for the old connections' `TIME_WAIT`).
fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // Not on Windows, where it would let another process take the port over (the standard
    // bind leaves it off there too).
    #[cfg(not(windows))]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Why the server did not start. Each message includes its cause's, so the cause is not also
/// given as the error's source: an operator reads it once (the key check's refusal names its
/// fix in a few lines).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("storage: {0}")]
    Store(huimin_store::StoreError),
    #[error("admin account: {0}")]
    Admin(accounts::AccountError),
    #[error("demo data: {0}")]
    Demo(demo::DemoError),
    #[error("settings: {0}")]
    Settings(String),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
}

impl From<huimin_store::StoreError> for StartError {
    fn from(error: huimin_store::StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<accounts::AccountError> for StartError {
    fn from(error: accounts::AccountError) -> Self {
        Self::Admin(error)
    }
}

impl From<demo::DemoError> for StartError {
    fn from(error: demo::DemoError) -> Self {
        Self::Demo(error)
    }
}

pub struct App {
    listener: TcpListener,
    /// `/metrics`'s own listener (`HUIMIN_METRICS_ADDR`).
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
    deliver_messages: bool,
}

/// Opens the store with the configured data key (environment, or the key file in the data
/// directory), which must be the database's own (huimin-store's `keycheck`).
pub async fn open_store(settings: &Settings) -> Result<Store, huimin_store::StoreError> {
    Store::open(&settings.database_target(), &key_source(settings)?).await
}

/// Where the data key comes from: the key given (`HUIMIN_DATA_KEY`), else the key file in the
/// data directory.
pub fn key_source(settings: &Settings) -> Result<KeySource, huimin_store::StoreError> {
    Ok(match &settings.data_key {
        Some(secret) => KeySource::Given(DataKey::from_base64(secret.expose())?),
        None => KeySource::File(settings.data_dir.join("data.key")),
    })
}

impl App {
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        Self::build_with(settings, |_, _| Router::new()).await
    }

    /// Builds the server with more routes beside the API: `extra` receives the finished API
    /// router (to call in process, e.g. server-rendered pages that use the API as their
    /// back end) and the hospital's clock (so they show the times the API means), and returns
    /// routes to serve too. They must not set a fallback.
    pub async fn build_with(
        settings: Settings,
        extra: impl FnOnce(Router, Clock) -> Router,
    ) -> Result<Self, StartError> {
        let deliver_messages = settings.deliver_messages;
        crate::metrics::install();
        if let Some((_, problem)) = settings.desk_codes.check().into_iter().next() {
            return Err(StartError::Settings(problem.en));
        }
        let store = open_store(&settings).await?;
        crate::fhir::refresh_search_index(&store).await?;
        let passwords = Passwords::new(settings.password_cost);
        let clock = Clock::new(settings.booking.time_zone.clone());
        if let Some(password) = &settings.admin_password {
            accounts::ensure_admin(&store, &passwords, password.expose()).await?;
        }
        let mut demo_patients = None;
        if settings.demo
            && let Some((summary, patients)) =
                demo::load_if_empty(&store, &passwords, clock.today()).await?
        {
            tracing::info!(?summary, "demo hospital loaded");
            demo_patients = Some(patients);
        }
        if let Some(loaded) = records::icd10::load_seed_if_empty(&store, clock.now()).await? {
            tracing::info!(codes = loaded, "demonstration ICD-10 table loaded");
        }
        let rules = RuleBook::new(settings.booking.clone());
        if let Some(patients) = demo_patients {
            // The demo patients' past visits, once, with the hospital just loaded.
            let visits = demo::load_history(
                &store,
                &*rules.current(&store).await?,
                &clock,
                &huimin_demo::demo_hospital(),
                &patients,
            )
            .await?;
            tracing::info!(visits, "demo patients' past visits loaded");
        }
        if settings.demo {
            // Keep two weeks of the demo rosters published at every start.
            let today = clock.today();
            let until = today.saturating_add(jiff::Span::new().days(14));
            let calendar = appointments::calendar::hospital_calendar(&store).await?;
            match appointments::planning::generate_from_rosters(
                &store,
                &*rules.current(&store).await?,
                &calendar,
                today,
                until,
            )
            .await
            {
                Ok((created, _)) if created > 0 => {
                    tracing::info!(created, "demo sessions published")
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(?err, "demo sessions could not be published"),
            }
            match billing::prices::load_demo_if_empty(&store, clock.now()).await {
                Ok(0) => {}
                Ok(items) => tracing::info!(items, "demo price list loaded"),
                Err(err) => tracing::warn!(?err, "demo price list could not be loaded"),
            }
            match demo::open_session_today(&store, &*rules.current(&store).await?, &clock).await {
                Ok(true) => tracing::info!("demo doctor's session opened for today"),
                Ok(false) => {}
                Err(err) => tracing::warn!(?err, "demo session for today could not be opened"),
            }
        }
        if let Err(problem) = PdfFonts::new(settings.pdf_font.clone()).check() {
            // The server runs without it; only printing records is unavailable until fixed.
            tracing::error!(%problem, "printed records are unavailable");
        }
        let tokens = TokenKeys::new(&store.token_signing_key(), settings.token_ttl);
        let listener =
            listen(settings.listen).map_err(|e| StartError::Listen(settings.listen, e))?;
        let metrics_listener = match settings.metrics_addr {
            Some(addr) => Some(listen(addr).map_err(|e| StartError::Listen(addr, e))?),
            None => None,
        };
        let self_url = match &settings.public_url {
            Some(url) => url.clone(),
            None => {
                let mut addr = listener
                    .local_addr()
                    .map_err(|e| StartError::Listen(settings.listen, e))?;
                if addr.ip().is_unspecified() {
                    addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
                }
                format!("http://{addr}")
            }
        };
        let gateways = billing::gateways::Gateways::configured(
            settings.pay_sandbox,
            &self_url,
            &store.token_signing_key(),
        );
        let state = AppState::new(Inner {
            store,
            clock,
            tokens,
            passwords,
            throttle: login_throttle(&settings),
            guard: BookingGuard::new(settings.guard.clone()),
            callers: Default::default(),
            pdf_fonts: PdfFonts::new(settings.pdf_font.clone()),
            rules,
            codes: Default::default(),
            drugs: Default::default(),
            gateways,
            insurance: billing::gateways::insurance_rules(),
            self_url,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            settings,
        });
        state.codes.rebuild(&state.store).await?;
        let api = router(state.clone());
        let trusted: std::sync::Arc<[_]> = state.settings.trusted_proxies.clone().into();
        Ok(Self {
            deliver_messages,
            listener,
            metrics_listener,
            // The pages' handlers are bounded as the API's are (a live stream is not cut: its
            // answer is returned at once, and only the answer's head is timed).
            router: extra(api.clone(), state.clock.clone())
                .layer(request_timeout())
                .merge(api)
                .layer(axum::middleware::from_fn_with_state(
                    crate::headers::SecurityHeaders::new(state.settings.hsts_seconds),
                    crate::headers::secure,
                ))
                // Pages and API alike, once per request from outside (the pages' calls of
                // the API in process are part of the page's request).
                .layer(axum::middleware::from_fn(crate::metrics::measure))
                // Outermost: the request span covers everything logged while answering.
                .layer(axum::middleware::from_fn_with_state(
                    trusted,
                    crate::logging::tag_request,
                )),
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The port of `/metrics`'s own listener, when `metrics_addr` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        let listener = self.metrics_listener.as_ref()?;
        listener.local_addr().ok().map(|a| a.port())
    }

    /// The shared state handlers see (tests drive worker steps with it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests and closes storage.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let worker = tokio::spawn(appointments::worker::run_forever(self.state.clone()));
        let upkeep = tokio::spawn(crate::metrics::upkeep_forever());
        // `/metrics` on its own address: only scrapes, with their own timeout.
        let metrics = self.metrics_listener.map(|listener| {
            let routes = crate::metrics::scrape_router(self.state.clone()).layer(request_timeout());
            tokio::spawn(async move { axum::serve(listener, routes).await })
        });
        let critical = tokio::spawn(crate::results::critical::run_forever(self.state.clone()));
        let payments = tokio::spawn(billing::gateways::worker::run_forever(self.state.clone()));
        let outbox = self
            .deliver_messages
            .then(|| tokio::spawn(messages::worker::run_forever(self.state.clone())));
        let connections = self.state.settings.connections.clone();
        let trusted = self.state.settings.trusted_proxies.clone();
        let served =
            crate::serve::serve(self.listener, self.router, &connections, trusted, shutdown).await;
        worker.abort();
        upkeep.abort();
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        critical.abort();
        payments.abort();
        if let Some(outbox) = outbox {
            outbox.abort();
        }
        served?;
        self.state.store.close().await;
        Ok(())
    }
}

/// How long a handler may take to produce its answer's head (408 after that).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

fn request_timeout() -> TimeoutLayer {
    TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT)
}

pub fn router(state: AppState) -> Router {
    // `/metrics` is here for loopback clients unless it has its own address.
    let metrics = match state.settings.metrics_addr {
        None => Router::new().route("/metrics", get(crate::metrics::scrape_on_main_listener)),
        Some(_) => Router::new(),
    };
    Router::new()
        .route("/healthz", get(healthz))
        .merge(metrics)
        .route("/api/openapi.json", get(crate::openapi::document))
        .route("/api/docs", get(crate::api_docs::home))
        .route("/api/docs/", get(crate::api_docs::file))
        .route("/api/docs/{*file}", get(crate::api_docs::file))
        .merge(auth::routes())
        .merge(appointments::routes())
        .merge(billing::routes())
        .merge(messages::routes())
        .merge(records::routes())
        .merge(crate::results::routes())
        .merge(crate::orders::routes())
        .merge(crate::prescriptions::routes())
        .merge(crate::recognition::routes())
        .merge(crate::directory::routes())
        .merge(identity::routes())
        .merge(fhir::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(
            crate::fhir::narrative::add_to_reads,
        ))
        .layer(axum::middleware::from_fn(crate::fhir::negotiate))
        // Innermost, so every ApiError and OAuth error answer, the fallback's included, passes
        // through it (the body limit's 413 and the timeout's 408 come from the layers outside).
        .layer(axum::middleware::from_fn(crate::localise::localise))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(request_timeout())
        // Spans carry the method and the route template only: query strings hold search
        // values (names, phone numbers) and paths ids and verification codes, that must never
        // reach the logs. They are debug-level
        // (`HUIMIN_LOG=info,huimin_server=debug` turns them on): at the default `info`, a span
        // per request took about a tenth of the server's CPU in a booking rush. A server
        // error is still logged at `error` by the layer, with its latency.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let route = request
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map_or("unmatched", axum::extract::MatchedPath::as_str);
                tracing::debug_span!("request", method = %request.method(), route)
            }),
        )
        // Outermost: the 405s, 408s, 413s and query rejections the framework writes as plain
        // text become OperationOutcomes too.
        .layer(axum::middleware::from_fn(
            crate::bare_errors::outcome_for_bare_errors,
        ))
        .with_state(state)
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if state.store.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(
                axum::http::header::RETRY_AFTER,
                crate::error::RETRY_AFTER_UNAVAILABLE.to_string(),
            )],
            "database unavailable",
        )
            .into_response()
    }
}

/// 404 for an unknown path; a bad token is still refused first (401), as on every route.
async fn not_found(_: crate::context::Ctx, uri: axum::http::Uri) -> crate::error::ApiError {
    crate::error::ApiError::not_found(uri.path())
}

/// The login and registration back-offs of the settings.
fn login_throttle(settings: &Settings) -> LoginThrottle {
    let backoff = |free| huimin_domain::signin::Backoff {
        free,
        base: settings.login_backoff_base,
        max: settings.login_backoff_max,
    };
    LoginThrottle {
        account: backoff(settings.login_account_free),
        address: backoff(settings.ip_failure_limit),
        register: backoff(settings.register_address_free),
        verify: backoff(settings.verify_failure_limit),
        forget_after: settings.login_forget_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Connects that the server has not accepted yet all complete while they fit the queue;
    /// with a backlog of 128 (the usual default), those past it never complete (the kernel
    /// drops their handshakes, and nothing here accepts to make room).
    #[tokio::test]
    async fn a_burst_of_connections_waits_in_the_queue_instead_of_being_dropped() {
        let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let somaxconn = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .and_then(|text| text.trim().parse::<usize>().ok());
        let Some(somaxconn) = somaxconn.filter(|&n| n > 128) else {
            eprintln!("skipped: net.core.somaxconn is 128 or unknown, it caps any backlog");
            return;
        };
        // Bounded: a few hundred sockets to 127.0.0.1, never accepted, closed at the end. The
        // generous bound is no timing claim: a dropped handshake never completes here.
        let burst = 400.min(somaxconn - 1);
        let mut connects = tokio::task::JoinSet::new();
        for _ in 0..burst {
            connects.spawn(tokio::time::timeout(
                Duration::from_secs(10),
                tokio::net::TcpStream::connect(addr),
            ));
        }
        let outcomes = connects.join_all().await;
        let connected = outcomes.iter().filter(|o| matches!(o, Ok(Ok(_)))).count();
        assert_eq!(
            connected, burst,
            "of {burst} connects (somaxconn {somaxconn})"
        );
        drop(listener);
    }
}
