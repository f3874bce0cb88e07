//! The real server with the pages, a ChromeDriver, and browsers driven through it.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use huimin_server::{App, PasswordCost, Secret, Settings};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const ADMIN_PASSWORD: &str = "e2e-admin-Passw0rd";
/// The doctor's account made by [`Server::clinic_starting_soon`].
pub const DOCTOR: (&str, &str) = ("dr-li", "Doctor2026pass");

/// A running server and its API, for setting the scene.
pub struct Server {
    pub base: String,
    pub http: reqwest::Client,
    store: huimin_store::Store,
    /// The server's shared state, for calling server functions that have no route yet.
    pub state: huimin_server::state::AppState,
    _dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl Server {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A server with the demo hospital (`--demo`): its departments, doctors and patients.
    pub async fn start_demo() -> Self {
        Self::start_with(|settings| settings.demo = true).await
    }

    /// A server whose settings `adjust` changes first (online payment, …).
    pub async fn start_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::new(dir.path());
        settings.listen = "127.0.0.1:0".parse().unwrap();
        settings.password_cost = PasswordCost::Fast;
        settings.admin_password = Some(Secret::new(ADMIN_PASSWORD));
        settings.register_address_free = 10_000;
        adjust(&mut settings);
        let app = App::build_with(settings, huimin_web::pages)
            .await
            .expect("server starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        let store = app.store().clone();
        let state = app.state().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Server {
            base,
            http: reqwest::Client::new(),
            store,
            state,
            _dir: dir,
            stop: Some(stop),
        }
    }

    /// Signs a patient up through the API, accepting the current agreement as the sign-up
    /// page does: their token and Patient id (without `Patient/`).
    pub async fn register(
        &self,
        (phone, password): (&str, &str),
        name: &str,
        resident_id: &str,
    ) -> (String, String) {
        let body = json!({"phone": phone, "password": password, "name": name,
            "resident_id": resident_id, "accept_terms": huimin_domain::person::TERMS_VERSION});
        let reply: Value = self
            .http
            .post(format!("{}/auth/register", self.base))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let patient = reply["patient"].as_str().expect("registered");
        (
            reply["access_token"].as_str().unwrap().to_owned(),
            patient.trim_start_matches("Patient/").to_owned(),
        )
    }

    pub async fn token(&self, username: &str, password: &str) -> String {
        let reply: Value = self
            .http
            .post(format!("{}/auth/token", self.base))
            .form(&[
                ("grant_type", "password"),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        reply["access_token"]
            .as_str()
            .expect("signed in")
            .to_owned()
    }

    pub async fn get(&self, token: &str, path: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    /// Puts items on the price list: `(code, 中文, English, fen)`, sold by the piece, beside a
    /// registration item, imported as an administrator does (`PUT /api/admin/price-list`).
    pub async fn price_items(&self, items: &[(&str, &str, &str, i64)]) {
        let mut csv = String::from(
            "code,name_zh,name_en,category,unit_zh,unit_en,price_yuan,registration_class\n\
             110200001,普通门诊诊察费,Outpatient consultation,registration,次,visit,10.00,ordinary\n",
        );
        for (code, zh, en, fen) in items {
            csv.push_str(&format!(
                "{code},{zh},{en},material,个,piece,{}.{:02},\n",
                fen / 100,
                fen % 100
            ));
        }
        let admin = self.token("admin", ADMIN_PASSWORD).await;
        let reply = self
            .http
            .put(format!("{}/api/admin/price-list", self.base))
            .bearer_auth(admin)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .expect("the import");
        let status = reply.status();
        assert!(
            status.is_success(),
            "{status} {}",
            reply.text().await.unwrap()
        );
    }

    /// A staff account of `role` (`registrar`, `nurse`, …) with `password`.
    pub async fn staff(&self, username: &str, role: &str, password: &str) {
        huimin_server::accounts::add_user(
            &self.store,
            &huimin_server::state::passwords::Passwords::new(PasswordCost::Fast),
            username,
            role.parse().expect("a role"),
            password,
            username,
            None,
        )
        .await
        .expect("the staff account");
    }

    /// A department with one doctor and a session starting about 20 minutes from now, so
    /// its check-in window is open; returns the department id.
    pub async fn clinic_starting_soon(&self, fee: f64) -> String {
        let admin = self.token("admin", ADMIN_PASSWORD).await;
        let dept = self
            .post(&admin, "/fhir/Organization", &json!({"resourceType": "Organization", "name": "心血管内科", "alias": ["Cardiology"],
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "dept"}]}],
                "identifier": [{"system": "urn:huimin:cs:department-code", "value": "03.04"}]}))
            .await;
        let dept = dept["id"].as_str().unwrap().to_owned();
        let room = self
            .post(&admin, "/fhir/Location", &json!({"resourceType": "Location", "name": "心内科 3 诊室", "alias": ["Cardiology Room 3"], "status": "active"}))
            .await;
        let doctor = self
            .post(&admin, "/fhir/Practitioner", &json!({"resourceType": "Practitioner", "name": [{"text": "李振邦", "family": "李", "given": ["振邦"]}]}))
            .await;
        let role = self
            .post(&admin, "/fhir/PractitionerRole", &json!({
                "resourceType": "PractitionerRole", "active": true,
                "extension": [
                    {"url": "urn:huimin:ext:registration-class", "valueCode": "expert"},
                    {"url": "urn:huimin:ext:registration-fee", "valueMoney": {"value": fee, "currency": "CNY"}}],
                "practitioner": {"reference": format!("Practitioner/{}", doctor["id"].as_str().unwrap()), "display": "李振邦"},
                "organization": {"reference": format!("Organization/{dept}"), "display": "心血管内科"},
                "location": [{"reference": format!("Location/{}", room["id"].as_str().unwrap())}],
                "code": [{"coding": [{"system": "urn:huimin:cs:practitioner-title", "code": "chief-physician", "display": "主任医师"}]}]}))
            .await;
        let role = role["id"].as_str().unwrap().to_owned();
        huimin_server::accounts::add_user(
            &self.store,
            &huimin_server::state::passwords::Passwords::new(PasswordCost::Fast),
            DOCTOR.0,
            huimin_domain::roles::Role::Doctor,
            DOCTOR.1,
            "李振邦",
            doctor["id"].as_str(),
        )
        .await
        .expect("the doctor's account");
        let china = huimin_clock::Clock::default().zone().clone();
        let now = jiff::Timestamp::now().to_zoned(china).datetime();
        let mut start = now
            .checked_add(jiff::SignedDuration::from_mins(20))
            .unwrap()
            .round(
                jiff::civil::DateTimeRound::new()
                    .smallest(jiff::Unit::Minute)
                    .increment(5)
                    .mode(jiff::RoundMode::Ceil),
            )
            .unwrap();
        if start.hour() == 23 && start.minute() >= 30 {
            // Keep the session inside one day: just after midnight, still within check-in.
            start = start.date().tomorrow().unwrap().at(0, 0, 0, 0);
        }
        let end = start
            .checked_add(jiff::SignedDuration::from_mins(30))
            .unwrap();
        let period = match start.hour() {
            0..12 => "morning",
            12..18 => "afternoon",
            _ => "evening",
        };
        self.post(
            &admin,
            "/api/admin/sessions",
            &json!({"practitioner_role": role, "date": start.date().to_string(), "period": period,
                "start": start.strftime("%H:%M").to_string(), "end": end.strftime("%H:%M").to_string(),
                "capacity": 4, "slot_minutes": 30}),
        )
        .await;
        dept
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// One ChromeDriver for a test; browsers are sessions on it.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Driver {
    pub fn start() -> Self {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (Debian packages chromium and chromium-driver; .ci/run installs them)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A headless Chromium with a window of this size.
    pub async fn browser(&self, width: u32, height: u32) -> Browser {
        let mut options = json!({"args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-dev-shm-usage", format!("--window-size={width},{height}"), "--lang=zh-CN"]});
        if width < 500 {
            // Headless windows are at least 500 px wide: a phone is emulated instead.
            options["mobileEmulation"] = json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2},
                "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36"});
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        // The console (CSP violations are reported there), read by `console_errors`.
        caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a browser session");
        Browser { client }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Browser {
    pub client: Client,
}

/// Where screenshots go: `target/e2e-screenshots/` at the workspace root.
pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Browser {
    pub async fn go(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks a link or a submit button and waits for the next page to load.
    pub async fn click(&self, css: &str) {
        self.client
            .execute("window.__huimin_old_page = true;", vec![])
            .await
            .unwrap();
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let loaded = self
                .client
                .execute(
                    "return window.__huimin_old_page === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .map(|v| v.as_bool() == Some(true))
                .unwrap_or(false);
            if loaded {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no new page after clicking {css}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks something that changes the page in place (a checkbox, a disclosure).
    pub async fn tap(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// The element's text. Live pages replace elements as they update (and the call screen
    /// reloads itself), so an element gone stale between finding and reading is found again.
    pub async fn text(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self
                .client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css))
                .await;
            let error = match found {
                Ok(element) => match element.text().await {
                    Ok(text) => return text,
                    Err(e) => e,
                },
                Err(e) => e,
            };
            if Instant::now() > deadline {
                self.shot("failure").await;
                let url = self.client.current_url().await.unwrap();
                let body = self.client.source().await.unwrap_or_default();
                panic!("{css} not found at {url}: {error}\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits (without reloading) until the element is shown.
    pub async fn wait_visible(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && element.is_displayed().await.unwrap_or(false)
            {
                return;
            }
            if Instant::now() > deadline {
                self.shot("failure").await;
                panic!("{css} was not shown");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn value(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub async fn attr(&self, css: &str, name: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .attr(name)
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Chooses the option of a `<select>` with this value.
    pub async fn choose(&self, css: &str, value: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .select_by_value(value)
            .await
            .unwrap();
    }

    /// Signs in on the page's form.
    pub async fn sign_in(&self, base: &str, username: &str, password: &str) {
        self.go(&format!("{base}/login")).await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.click("button.primary").await;
    }

    pub async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }

    /// Saves a screenshot as `name.png`, to be looked at.
    pub async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
    }

    /// No page may scroll sideways: everything fits the window's width.
    pub async fn assert_fits_width(&self) {
        let overflow = self
            .client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap_or(0) <= 0,
            "the page scrolls sideways by {overflow} px at {}",
            self.client.current_url().await.unwrap()
        );
    }

    /// The console's errors since the last call (Chromium reports every Content Security
    /// Policy violation there), through ChromeDriver's log endpoint.
    pub async fn console_errors(&self) -> Vec<String> {
        let log = self.client.issue_cmd(BrowserLog).await.unwrap();
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .filter_map(|entry| entry["message"].as_str().map(str::to_owned))
            .collect()
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// ChromeDriver's `POST /session/{id}/se/log` for the browser's console.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}
