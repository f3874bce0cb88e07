//! A real server on port 0 per test, on SQLite (temp dir) or on a fresh PostgreSQL database.

use std::sync::OnceLock;
use std::time::Duration;

use huimin_server::{App, PasswordCost, Secret, Settings};
use huimin_store::{DatabaseTarget, Store};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use sqlx::Connection;
use tokio::sync::oneshot;

pub const ADMIN_PASSWORD: &str = "Admin@12345!";
pub const PASSWORD: &str = "Passw0rd!x26";
/// Valid resident IDs from DOMAIN.md §2.
pub const ID_1: &str = "11010519491231002X";
pub const ID_2: &str = "110101199003071137";
pub const ID_3: &str = "34052419800101001X";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs an `async fn name(db: Db)` test once per backend: `name::sqlite`, `name::postgres`.
#[macro_export]
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Db::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::Db::Postgres).await
            }
        }
    };
}

pub fn postgres_admin_url() -> String {
    std::env::var("HUIMIN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Creates an empty database and returns its URL and name.
pub async fn fresh_postgres() -> (String, String) {
    let name = format!("huimin_test_{}", uuid::Uuid::new_v4().simple());
    let admin = postgres_admin_url();
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("PostgreSQL at 127.0.0.1:5432 (see README)");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.ok();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
    (format!("{base}/{name}"), name)
}

pub async fn drop_postgres(name: &str) {
    if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
    }
}

pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: HeaderMap,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The first issue's expression, for error assertions.
    pub fn expression(&self) -> Option<&str> {
        self.body["issue"][0]["expression"][0].as_str()
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Store,
    pub state: huimin_server::state::AppState,
    pub settings: Settings,
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub fn test_settings(dir: &std::path::Path) -> Settings {
    let mut settings = Settings::new(dir);
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.password_cost = PasswordCost::Fast;
    settings.admin_password = Some(Secret::new(ADMIN_PASSWORD));
    // Patients check in from anywhere in these tests; `on_site` tests the proof (the default).
    settings.booking.rules.check_in.on_site_proof = false;
    // Tests sign up many patients from 127.0.0.1; `login_throttle` tests the limit.
    settings.register_address_free = 10_000;
    // A back-off long enough that a slow machine never outlasts it between two requests.
    settings.login_backoff_base = Duration::from_secs(60);
    settings
}

impl TestApp {
    pub async fn spawn(db: Db) -> Self {
        Self::spawn_with(db, |_| {}).await
    }

    pub async fn spawn_with(db: Db, adjust: impl FnOnce(&mut Settings)) -> Self {
        init_logs();
        let dir = tempfile::tempdir().unwrap();
        let mut settings = test_settings(dir.path());
        let pg_name = if db == Db::Postgres {
            let (url, name) = fresh_postgres().await;
            settings.database = Some(DatabaseTarget::Postgres { url });
            Some(name)
        } else {
            None
        };
        adjust(&mut settings);
        Self::start(settings, dir, pg_name).await
    }

    async fn start(settings: Settings, dir: tempfile::TempDir, pg_name: Option<String>) -> Self {
        let app = App::build(settings.clone()).await.expect("server starts");
        let port = app.port();
        let store = app.store().clone();
        let state = app.state().clone();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self {
            base: format!("http://127.0.0.1:{port}"),
            client,
            store,
            state,
            settings,
            dir,
            pg_name,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    /// A second server process on the same database and data key (its own listener, pools
    /// and workers), stopped when the handle is dropped or aborted.
    pub async fn second_server(&self) -> tokio::task::JoinHandle<std::io::Result<()>> {
        let mut settings = self.settings.clone();
        settings.listen = "127.0.0.1:0".parse().unwrap();
        settings.data_key = None;
        let app = App::build(settings).await.expect("a second server starts");
        tokio::spawn(app.run_until(std::future::pending()))
    }

    /// Stops the server without a graceful shutdown (as a crash would) and starts a new one
    /// on the same database and data key.
    /// As [`crash_and_restart`](Self::crash_and_restart), with changed settings.
    pub async fn crash_and_restart_with(mut self, adjust: impl FnOnce(&mut Settings)) -> Self {
        adjust(&mut self.settings);
        self.crash_and_restart().await
    }

    pub async fn crash_and_restart(mut self) -> Self {
        if let Some(server) = self.server.take() {
            server.abort();
        }
        self.shutdown.take();
        let mut settings = self.settings.clone();
        settings.listen = "127.0.0.1:0".parse().unwrap();
        let pg_name = self.pg_name.take();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        Self::start(settings, dir, pg_name).await
    }

    pub async fn finish(mut self) {
        // Every booking group must have been decided from its snapshot: a group that
        // fell back to one request at a time means the snapshot path refused to write what
        // it had decided (see huimin-store's appointments::group).
        {
            let stats = self.store.booking_group_stats();
            assert_eq!(stats.fell_back, 0, "booking groups fell back: {stats:?}");
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
        }
        if let Some(name) = self.pg_name.take() {
            drop_postgres(&name).await;
        }
    }

    /// Everything the database holds, as text: on SQLite the raw bytes of every file in the
    /// data directory (main file and WAL), on PostgreSQL every row of every table.
    pub async fn database_text(&self) -> String {
        match &self.settings.database {
            None | Some(DatabaseTarget::Sqlite { .. }) => {
                let mut text = String::new();
                for entry in std::fs::read_dir(self.dir.path()).unwrap() {
                    let path = entry.unwrap().path();
                    if path
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with("huimin.db")
                    {
                        text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
                    }
                }
                text
            }
            Some(DatabaseTarget::Postgres { url }) => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'",
                )
                .fetch_all(&mut conn)
                .await
                .unwrap();
                let mut text = String::new();
                for table in tables {
                    let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT CAST(row_to_json(t) AS TEXT) FROM {table} t"
                    )))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
                    text.push_str(&rows.join("\n"));
                }
                text
            }
        }
    }

    pub async fn send(&self, request: reqwest::RequestBuilder, token: Option<&str>) -> Resp {
        let request = match token {
            Some(t) => request.bearer_auth(t),
            None => request,
        };
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Resp {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.send(self.client.get(format!("{}{path}", self.base)), token)
            .await
    }

    /// The caller's newest message of `kind` in `lang`, waiting up to 10 s for the outbox
    /// worker to deliver it (messages are delivered after the change commits).
    pub async fn message_of_kind(&self, token: &str, kind: &str, lang: &str) -> Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let told = self
                .get_lang("/api/me/notifications", Some(token), lang)
                .await;
            let found = told.body["notifications"]
                .as_array()
                .and_then(|all| all.iter().find(|n| n["kind"] == kind).cloned());
            match found {
                Some(message) => return message,
                None if std::time::Instant::now() > deadline => {
                    panic!("no {kind} message arrived: {}", told.body)
                }
                None => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
    }

    pub async fn get_lang(&self, path: &str, token: Option<&str>, lang: &str) -> Resp {
        self.send(
            self.client
                .get(format!("{}{path}", self.base))
                .header("accept-language", lang),
            token,
        )
        .await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/fhir+json")
            .body(body.to_string());
        self.send(request, token).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &str,
    ) -> Resp {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body.to_owned());
        self.send(request, token).await
    }

    /// `$book` of `slot` for `patient` by `token`, which must succeed (201): the appointment id.
    pub async fn book(&self, token: &str, patient: &str, slot: &str) -> String {
        let body = parameters(&[
            ("slot", format!("Slot/{slot}")),
            ("patient", format!("Patient/{patient}")),
        ]);
        let booked = self
            .post_json("/fhir/Appointment/$book", Some(token), &body)
            .await;
        assert_eq!(booked.status, 201, "{}", booked.body);
        booked.body["id"].as_str().unwrap().to_owned()
    }

    /// `PATCH /fhir/Appointment/{id}` replacing its status (JSON Patch), answered in `lang`.
    pub async fn set_status(&self, token: &str, id: &str, status: &str, lang: &str) -> Resp {
        let patch = serde_json::json!([{"op": "replace", "path": "/status", "value": status}]);
        let request = self
            .client
            .patch(format!("{}/fhir/Appointment/{id}", self.base))
            .header("content-type", "application/json-patch+json")
            .header("accept-language", lang)
            .body(patch.to_string());
        self.send(request, Some(token)).await
    }

    pub async fn put_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
        if_match: Option<&str>,
    ) -> Resp {
        let mut request = self
            .client
            .put(format!("{}{path}", self.base))
            .header("content-type", "application/fhir+json")
            .body(body.to_string());
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        self.send(request, token).await
    }

    /// A login from `client` (as a trusted proxy at 127.0.0.1 would name it).
    pub async fn login_from(&self, client: &str, username: &str, password: &str) -> Resp {
        let request = self
            .client
            .post(format!("{}/auth/token", self.base))
            .header("x-forwarded-for", client)
            .form(&[
                ("grant_type", "password"),
                ("username", username),
                ("password", password),
            ]);
        self.send(request, None).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Resp {
        let request = self
            .client
            .post(format!("{}/auth/token", self.base))
            .form(&[
                ("grant_type", "password"),
                ("username", username),
                ("password", password),
            ]);
        self.send(request, None).await
    }

    pub async fn token(&self, username: &str, password: &str) -> String {
        let response = self.login(username, password).await;
        assert_eq!(
            response.status, 200,
            "login as {username}: {}",
            response.body
        );
        response.body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn admin(&self) -> String {
        self.token("admin", ADMIN_PASSWORD).await
    }

    /// A staff account of the role, logged in.
    pub async fn staff(&self, role: &str) -> String {
        let username = format!("{role}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let passwords = huimin_server::state::passwords::Passwords::new(PasswordCost::Fast);
        huimin_server::accounts::add_user(
            &self.store,
            &passwords,
            &username,
            role.parse().unwrap(),
            PASSWORD,
            "",
            None,
        )
        .await
        .unwrap();
        self.token(&username, PASSWORD).await
    }

    pub async fn register(&self, phone: &str, name: &str, resident_id: &str) -> Resp {
        let body = json!({"phone": phone, "password": PASSWORD, "name": name,
            "resident_id": resident_id, "accept_terms": huimin_domain::person::TERMS_VERSION});
        self.post_raw(
            "/auth/register",
            None,
            "application/json",
            &body.to_string(),
        )
        .await
    }

    /// Registers a patient and returns (token, patient id).
    pub async fn patient(&self, phone: &str, name: &str, resident_id: &str) -> (String, String) {
        let response = self.register(phone, name, resident_id).await;
        assert_eq!(response.status, 201, "{}", response.body);
        let token = response.body["access_token"].as_str().unwrap().to_owned();
        let id = response.body["patient"]
            .as_str()
            .unwrap()
            .trim_start_matches("Patient/")
            .to_owned();
        (token, id)
    }
}

fn init_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("HUIMIN_TEST_LOG"))
            .with_test_writer()
            .try_init();
    });
}

/// The official FHIR R4 JSON schema, compiled once per test binary.
fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let schema = huimin_fhir::schema_json().expect("vendored schema");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft6)
            .build(&schema)
            .expect("schema compiles")
    })
}

pub fn assert_schema_valid(doc: &Value) {
    let errors: Vec<String> = validator()
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .take(5)
        .collect();
    assert!(errors.is_empty(), "not valid FHIR R4: {errors:#?}\n{doc:#}");
}

pub fn patient_json(
    name: &str,
    family: &str,
    given: &str,
    resident_id: &str,
    phone: &str,
) -> Value {
    json!({
        "resourceType": "Patient",
        "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": resident_id}],
        "name": [{"text": name, "family": family, "given": [given]}],
        "telecom": [{"system": "phone", "value": phone, "use": "mobile"}],
    })
}

/// A FHIR `Parameters` of references, as `$hold`, `$book` and `$waitlist` take.
/// The clinic period a session starting at `start` (hospital time) belongs to.
pub fn period_at(start: jiff::civil::DateTime) -> &'static str {
    match start.hour() {
        0..12 => "morning",
        12..18 => "afternoon",
        _ => "evening",
    }
}

pub fn parameters(pairs: &[(&str, String)]) -> Value {
    let parameter: Vec<Value> = pairs
        .iter()
        .map(|(name, reference)| json!({"name": name, "valueReference": {"reference": reference}}))
        .collect();
    json!({"resourceType": "Parameters", "parameter": parameter})
}
