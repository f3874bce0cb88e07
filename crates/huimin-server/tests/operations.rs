//! Operating the server: `/metrics` (its families, where it answers), JSON log lines with the
//! request id, and logs without anything personal. Every test runs on SQLite and PostgreSQL.
//!
//! This binary logs everything at `debug`, as JSON lines, into one buffer (its own process:
//! the API tests log as they like): the privacy test reads what the whole binary logged.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use helpers::*;
use huimin_demo::{DEMO_PASSWORD, demo_hospital};
use huimin_server::App;
use huimin_server::logging::{LogFormat, filter, subscriber};
use serde_json::{Value, json};

/// What this test binary logged, as JSON lines.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'w> tracing_subscriber::fmt::MakeWriter<'w> for Captured {
    type Writer = Captured;
    fn make_writer(&'w self) -> Captured {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The binary's log, installed as the process's subscriber before any test logs (the helpers'
/// own subscriber then finds one installed and stands down).
fn logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let subscriber = subscriber(
            LogFormat::Json,
            filter(LogFormat::Json, Some("debug")),
            captured.clone(),
        );
        tracing::subscriber::set_global_default(subscriber).expect("the first subscriber");
        captured
    })
}

async fn spawn(db: Db, adjust: impl FnOnce(&mut huimin_server::Settings)) -> TestApp {
    logs();
    TestApp::spawn_with(db, adjust).await
}

/// A department, a doctor with an account and a session starting about 20 minutes from now
/// (its check-in window open): (session, first slot, doctor's token).
async fn clinic_starting_soon(app: &TestApp, admin: &str) -> (String, String, String) {
    let post = |path: &'static str, body: Value| async move {
        let made = app.post_json(path, Some(admin), &body).await;
        assert_eq!(made.status, 201, "{path}: {}", made.body);
        made.body["id"].as_str().unwrap().to_owned()
    };
    let dept = post(
        "/fhir/Organization",
        json!({"resourceType": "Organization", "name": "运维测试科"}),
    )
    .await;
    let room = post(
        "/fhir/Location",
        json!({"resourceType": "Location", "name": "运维 1 诊室",
        "alias": ["Operations Room 1"], "status": "active"}),
    )
    .await;
    let practitioner = post(
        "/fhir/Practitioner",
        json!({"resourceType": "Practitioner", "name": [{"text": "运维医生"}]}),
    )
    .await;
    let role = post(
        "/fhir/PractitionerRole",
        json!({"resourceType": "PractitionerRole",
        "active": true, "practitioner": {"reference": format!("Practitioner/{practitioner}")},
        "organization": {"reference": format!("Organization/{dept}")},
        "location": [{"reference": format!("Location/{room}")}]}),
    )
    .await;
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
        start = start.date().tomorrow().unwrap().at(0, 0, 0, 0);
    }
    let end = start
        .checked_add(jiff::SignedDuration::from_mins(30))
        .unwrap();
    let session = app
        .post_json(
            "/api/admin/sessions",
            Some(admin),
            &json!({"practitioner_role": role,
            "date": start.date().to_string(), "period": period_at(start),
            "start": start.strftime("%H:%M").to_string(), "end": end.strftime("%H:%M").to_string(),
            "capacity": 10, "slot_minutes": 30}),
        )
        .await;
    assert_eq!(session.status, 201, "{}", session.body);
    let schedule = session.body["schedule"]["id"].as_str().unwrap().to_owned();
    let slot = session.body["slots"][0]["id"].as_str().unwrap().to_owned();
    let username = format!("dr-{}", &practitioner[..8]);
    let passwords =
        huimin_server::state::passwords::Passwords::new(huimin_server::PasswordCost::Fast);
    huimin_server::accounts::add_user(
        &app.store,
        &passwords,
        &username,
        huimin_domain::roles::Role::Doctor,
        PASSWORD,
        "运维医生",
        Some(&practitioner),
    )
    .await
    .unwrap();
    (schedule, slot, app.token(&username, PASSWORD).await)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A person this test signs up: their identifiers must not reach the logs either.
const NEW_NAME: &str = "欧阳运维";
const NEW_PHONE: &str = "13977770123";
const NEW_ID: &str = "110101199003074514";

/// The whole of what a hospital does with a patient, as the API's flows: sign-up and its
/// refusals, sign-in, family, booking, check-in, the doctor's note, the patient's record,
/// the desk's searches by name, phone and identity number, a desk code and a password reset;
/// then none of the demo patients' names, phone numbers or identity numbers, nor this test's
/// person's, the passwords, tokens or the desk code, is anywhere in the log of this binary
/// (at `debug`, every request span and every statement included).
async fn no_name_phone_or_identity_number_reaches_the_logs(db: Db) {
    let app = spawn(db, |settings| settings.demo = true).await;
    let demo = demo_hospital();
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (_session, slot, doctor) = clinic_starting_soon(&app, &admin).await;
    let holder = demo
        .patients
        .iter()
        .find(|p| p.account)
        .expect("a demo patient with an account");
    let mut secrets: Vec<String> = vec![
        DEMO_PASSWORD.into(),
        PASSWORD.into(),
        ADMIN_PASSWORD.into(),
        admin.clone(),
        registrar.clone(),
        doctor.clone(),
    ];

    // Sign-in, right and wrong.
    let wrong = app.login(holder.phone, "Wrong-password-1").await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    let patient = app.token(holder.phone, DEMO_PASSWORD).await;
    secrets.push(patient.clone());
    let family = app.get("/api/me/family", Some(&patient)).await;
    assert_eq!(family.status, 200, "{}", family.body);
    let own = family.body["members"][0]["patient"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Booking, check-in, the visit, the note, the record.
    let appointment = app.book(&patient, &own, &slot).await;
    let again = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&patient),
            &parameters(&[
                ("slot", format!("Slot/{slot}")),
                ("patient", format!("Patient/{own}")),
            ]),
        )
        .await;
    assert!(again.status >= 400, "{}", again.body);
    let checked = app
        .set_status(&patient, &appointment, "checked-in", "zh")
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let found = app
        .get(
            &format!("/fhir/Encounter?appointment={appointment}"),
            Some(&patient),
        )
        .await;
    let encounter = found.body["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("the visit opened: {}", found.body))
        .to_owned();
    let note = json!({
        "sections": {
            "chief_complaint": format!("{} 头晕 3 天", holder.name_zh),
            "present_illness": "三天前受凉后出现头晕。",
            "physical_exam": "BP 150/95 mmHg",
            "plan": "低盐饮食，两周后复诊。",
        },
        "diagnoses": [{"code": "I10", "name": "特发性（原发性）高血压", "certainty": "confirmed"}],
    });
    let saved = app
        .put_json(
            &format!("/api/visits/{encounter}/note"),
            Some(&doctor),
            &note,
            None,
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let signed = app
        .post_json(
            &format!("/api/visits/{encounter}/note/sign"),
            Some(&doctor),
            &json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    let finished = app
        .post_json(
            &format!("/api/visits/{encounter}/finish"),
            Some(&doctor),
            &json!({}),
        )
        .await;
    assert!(finished.status < 500, "{}", finished.body);
    for path in [
        "/api/me/visits".to_owned(),
        format!("/api/visits/{encounter}"),
        format!("/fhir/Patient/{own}"),
        format!("/fhir/Patient/{own}/$everything"),
        format!("/fhir/Encounter?patient=Patient/{own}"),
        "/api/me/messages".to_owned(),
    ] {
        let read = app.get(&path, Some(&patient)).await;
        assert_eq!(read.status, 200, "{path}: {}", read.body);
    }

    // The desk finds people by what identifies them, in query strings and paths.
    for person in demo.patients.iter().take(4) {
        for path in [
            format!("/fhir/Patient?name={}", encode(person.name_zh)),
            format!("/fhir/Patient?phone={}", person.phone),
            format!(
                "/fhir/Patient?identifier=urn:huimin:sid:cn-resident-id|{}",
                person.resident_id
            ),
            format!("/api/directory/search?q={}", encode(person.name_zh)),
        ] {
            let searched = app.get(&path, Some(&registrar)).await;
            assert_eq!(searched.status, 200, "{path}: {}", searched.body);
        }
        for path in [
            format!("/fhir/Patient/{}", person.resident_id),
            format!("/nowhere/{}/{}", person.phone, encode(person.name_zh)),
        ] {
            let missing = app.get(&path, Some(&registrar)).await;
            assert_eq!(missing.status, 404, "{path}: {}", missing.body);
        }
    }

    // Sign-up: a new person, then someone already registered, then a broken identity number.
    let (new_token, _) = app.patient(NEW_PHONE, NEW_NAME, NEW_ID).await;
    secrets.push(new_token);
    let other = demo
        .patients
        .iter()
        .find(|p| p.account && p.phone != holder.phone)
        .expect("a second demo account");
    let taken = app
        .register(other.phone, other.name_zh, &other.resident_id)
        .await;
    assert!(taken.status >= 400, "{}", taken.body);
    let mut broken = other.resident_id.clone();
    broken.replace_range(17.., if broken.ends_with('0') { "1" } else { "0" });
    let refused = app.register("13977770124", other.name_zh, &broken).await;
    assert!(refused.status >= 400, "{}", refused.body);

    // A family member whose record is on file, named and numbered.
    let member = demo
        .patients
        .iter()
        .find(|p| !p.account)
        .expect("a demo patient without an account");
    let added = app
        .post_json(
            "/api/me/family",
            Some(&patient),
            &json!({"name": member.name_zh, "resident_id": member.resident_id,
                "phone": member.phone, "relationship": "parent"}),
        )
        .await;
    assert!(added.status < 500, "{}", added.body);

    // A desk code to reset the holder's password, and the reset.
    let code = app
        .post_json(
            &format!("/api/patients/{own}/desk-codes"),
            Some(&registrar),
            &json!({"purpose": "reset-password"}),
        )
        .await;
    assert_eq!(code.status, 201, "{}", code.body);
    let code = code.body["code"].as_str().unwrap().to_owned();
    secrets.push(code.replace(['-', ' '], ""));
    secrets.push(code.clone());
    let reset = app
        .post_raw(
            "/auth/reset-password",
            None,
            "application/json",
            &json!({"username": holder.phone, "code": code,
                "password": "Another-Pass-2026", "password_confirmation": "Another-Pass-2026"})
            .to_string(),
        )
        .await;
    assert_eq!(reset.status, 204, "{}", reset.body);
    secrets.push("Another-Pass-2026".into());
    app.finish().await;

    let log = logs().text();
    // The log is this run's, at debug: the requests above are in it by their route.
    assert!(
        log.contains("/fhir/Appointment/$book") && log.contains("/api/visits/{id}/note/sign"),
        "the captured log holds the requests' spans"
    );
    let mut people: Vec<(&str, String)> = Vec::new();
    for person in &demo.patients {
        people.push(("name", person.name_zh.to_owned()));
        people.push(("phone", person.phone.to_owned()));
        people.push(("resident id", person.resident_id.clone()));
        people.push(("address", person.address_zh.to_owned()));
    }
    people.push(("name", NEW_NAME.to_owned()));
    people.push(("phone", NEW_PHONE.to_owned()));
    people.push(("resident id", NEW_ID.to_owned()));
    people.push(("resident id", broken));
    people.extend(secrets.into_iter().map(|s| ("secret", s)));
    let found: Vec<String> = people
        .iter()
        .filter_map(|(kind, value)| {
            let line = log.lines().find(|line| line.contains(value.as_str()))?;
            Some(format!("{kind} {value:?} in: {line}"))
        })
        .collect();
    assert!(
        found.is_empty(),
        "personal data in the logs:\n{}",
        found.join("\n")
    );
}
on_both!(no_name_phone_or_identity_number_reaches_the_logs);

/// Every line is a JSON object; the lines logged while answering a request carry the request
/// id the answer gave in `X-Request-Id`, and a trusted proxy's id is kept, anyone else's not.
async fn json_log_lines_carry_the_request_id(db: Db) {
    let app = spawn(db, |settings| {
        settings.trusted_proxies =
            vec![huimin_server::client_addr::parse_trusted("127.0.0.1").unwrap()];
    })
    .await;
    let admin = app.admin().await;
    let read = app.get("/fhir/Organization?_count=1", Some(&admin)).await;
    assert_eq!(read.status, 200);
    let id = read
        .header("x-request-id")
        .expect("X-Request-Id")
        .to_owned();
    assert_eq!(id.len(), 32, "{id}");
    let proxied = app
        .send(
            app.client
                .get(format!("{}/healthz", app.base))
                .header("x-request-id", "nginx-7f3a.1"),
            None,
        )
        .await;
    assert_eq!(proxied.header("x-request-id"), Some("nginx-7f3a.1"));
    let untidy = app
        .send(
            app.client
                .get(format!("{}/healthz", app.base))
                .header("x-request-id", "a b"),
            None,
        )
        .await;
    let replaced = untidy.header("x-request-id").unwrap();
    assert_eq!(replaced.len(), 32, "{replaced}");
    app.finish().await;

    let log = logs().text();
    let mut of_request = 0;
    for line in log.lines() {
        let value: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert!(
            value["timestamp"].is_string() && value["level"].is_string(),
            "{line}"
        );
        let spans = value["spans"].as_array().cloned().unwrap_or_default();
        if spans.iter().any(|span| span["request_id"] == id.as_str()) {
            of_request += 1;
            let request = &spans[0];
            assert_eq!(request["name"], "request", "{line}");
            assert_eq!(request["route"], "/fhir/{resource_type}", "{line}");
            assert_eq!(request["method"], "GET", "{line}");
        }
    }
    assert!(
        of_request >= 2,
        "lines logged while answering {id}: {of_request}"
    );
}
on_both!(json_log_lines_carry_the_request_id);

/// The text of `/metrics` from the main listener, which must answer 200.
async fn scrape(app: &TestApp) -> String {
    let answer = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    answer.text().await.unwrap()
}

/// After a booking, a refusal, a 404 and a sign-in, `/metrics` (to a loopback client) has
/// every family an operator watches, labelled by route template, never by path; behind a
/// proxy (a forwarding header) it is the 404 of an unknown path.
async fn metrics_count_requests_bookings_pools_and_worker_lag(db: Db) {
    let app = spawn(db, |_| {}).await;
    let admin = app.admin().await;
    let (_, slot, _) = clinic_starting_soon(&app, &admin).await;
    let (patient, own) = app.patient("13977770201", "王运维", ID_2).await;
    app.book(&patient, &own, &slot).await;
    let refused = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&patient),
            &parameters(&[
                ("slot", format!("Slot/{slot}")),
                ("patient", format!("Patient/{own}")),
            ]),
        )
        .await;
    assert!(matches!(refused.status, 409 | 422), "{}", refused.body);
    let rule = refused.body["issue"][0]["details"]["coding"][0]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("a rule code: {}", refused.body))
        .to_owned();
    assert_eq!(app.get("/no/such/path", None).await.status, 404);
    assert_eq!(
        app.get(&format!("/fhir/Patient/{own}"), Some(&patient))
            .await
            .status,
        200
    );
    // The outbox worker passes every half second; let one pass.
    tokio::time::sleep(Duration::from_millis(700)).await;

    let text = scrape(&app).await;
    for family in [
        r#"huimin_build_info{version=""#,
        r#"huimin_http_request_duration_seconds_bucket{method="POST",route="/fhir/Appointment/$book",status="201",le="0.005"}"#,
        r#"huimin_http_request_duration_seconds_count{method="GET",route="/fhir/{resource_type}/{id}",status="200"}"#,
        r#"huimin_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}"#,
        r#"huimin_http_request_duration_seconds_count{method="POST",route="/auth/token",status="200"}"#,
        r#"huimin_bookings_total{operation="$book",outcome="booked",code=""}"#,
        &format!(r#"huimin_bookings_total{{operation="$book",outcome="refused",code="{rule}"}}"#),
        r#"huimin_booking_duration_seconds_bucket{operation="$book",le="#,
        "huimin_booking_group_seconds_bucket{le=",
        "huimin_booking_group_size_bucket{le=",
        r#"huimin_db_connections{pool=""#,
        r#"state="in_use"}"#,
        "huimin_db_query_seconds_bucket{pool=",
        "huimin_db_acquire_seconds_bucket{pool=",
        r#"huimin_worker_lag_seconds{work="outbox"}"#,
        r#"huimin_worker_lag_seconds{work="holds"}"#,
        r#"huimin_worker_lag_seconds{work="noshows"}"#,
        r#"huimin_worker_last_pass_timestamp_seconds{worker="outbox"}"#,
        r#"huimin_outbox_deliveries{status="pending"}"#,
        "# TYPE huimin_http_request_duration_seconds histogram",
    ] {
        assert!(
            text.contains(family),
            "{family} missing from /metrics:\n{text}"
        );
    }
    // The dashboard and the alert rules of docs/monitoring query only metrics served here.
    let docs = [
        include_str!("../../../docs/monitoring/huimin-dashboard.json"),
        include_str!("../../../docs/monitoring/huimin-alerts.yml"),
    ];
    let mut queried = 0;
    for doc in docs {
        for (at, _) in doc.match_indices("huimin_") {
            let name: String = doc[at..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            let family = ["_bucket", "_count", "_sum"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
                .unwrap_or(&name);
            assert!(
                text.contains(&format!("# TYPE {family} ")),
                "{name} of docs/monitoring is not served"
            );
            queried += 1;
        }
    }
    assert!(queried > 10, "{queried}");
    // Labels are templates: no id of a patient, slot or anyone.
    for id in [&own, &slot] {
        assert!(!text.contains(id.as_str()), "{id} in /metrics");
    }
    // Through a proxy on this machine (a forwarding header): an unknown path.
    for header in ["x-forwarded-for", "forwarded", "x-real-ip"] {
        let forwarded = app
            .send(
                app.client
                    .get(format!("{}/metrics", app.base))
                    .header(header, "203.0.113.9"),
                None,
            )
            .await;
        assert_eq!(forwarded.status, 404, "{header}: {}", forwarded.body);
    }
    app.finish().await;
}
on_both!(metrics_count_requests_bookings_pools_and_worker_lag);

/// With a metrics address, `/metrics` answers there (to anyone who can reach it) and the main
/// listener does not serve it at all.
async fn metrics_can_have_their_own_address(db: Db) {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(dir.path());
    settings.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
    let pg = match db {
        Db::Sqlite => None,
        Db::Postgres => {
            let (url, name) = fresh_postgres().await;
            settings.database = Some(huimin_store::DatabaseTarget::Postgres { url });
            Some(name)
        }
    };
    let app = App::build(settings).await.expect("the server starts");
    let main = format!("http://127.0.0.1:{}", app.port());
    let metrics = format!(
        "http://127.0.0.1:{}",
        app.metrics_port().expect("its own listener")
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(format!("{main}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let on_main = client.get(format!("{main}/metrics")).send().await.unwrap();
    assert_eq!(on_main.status(), 404);
    let own = client
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    let text = own.text().await.unwrap();
    assert!(text.contains(r#"huimin_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}"#), "{text}");
    assert!(text.contains(r#"huimin_db_connections{pool="#), "{text}");
    // Only `/metrics` there: no API on the metrics address.
    let api = client
        .get(format!("{metrics}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 404);
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    if let Some(name) = pg {
        drop_postgres(&name).await;
    }
}
on_both!(metrics_can_have_their_own_address);
