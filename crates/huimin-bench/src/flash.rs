//! The flash-crowd scenario (issue: outpatient appointment engine): N places released at one
//! instant, M booking attempts for distinct patients from C concurrent clients over HTTP.
//! Afterwards it checks that exactly N bookings exist, no slot is over capacity and no
//! patient holds more than one booking.
//!
//! By default every client first looks at the slot it will try (one `GET /fhir/Slot/{id}`)
//! and then waits for the release instant, as patients do who sit on the booking page before
//! 放号: the attempts then go over connections that are already open. `cold` leaves that out,
//! so that the first attempts also open the 500 connections at the same instant.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use huimin_server::fhir::kinds::PATIENT;
use huimin_store::{ResourceWrite, Store};
use serde_json::{Value, json};

use crate::report::OpReport;
use crate::scenario::{resident_id, token};
use crate::threads::{MachineSampler, MachineTimes, ThreadTimes, spent_between};

pub struct FlashPlan {
    pub base: String,
    /// The server's clock: the sessions are opened the day after tomorrow, hospital time.
    pub clock: huimin_clock::Clock,
    pub places: u32,
    pub attempts: usize,
    pub clients: usize,
    /// Open the connections with the first attempts rather than before the release.
    pub cold: bool,
}

pub struct FlashOutcome {
    pub reports: Vec<OpReport>,
    pub sold_out_after: Option<Duration>,
    pub booked: i64,
    pub over_capacity_slots: usize,
    pub patients_with_two: usize,
    /// Every attempt: when it started (after the release), how long it took, whether it booked.
    pub attempts: Vec<(Duration, Duration, bool)>,
    /// CPU time per thread name from the release to the last answer.
    pub cpu: Vec<(String, Duration)>,
    /// The whole machine from the release to the last booking (between the samples around
    /// them): how long, and what the cores and the PostgreSQL processes spent.
    pub selling: Option<(Duration, MachineTimes)>,
}

/// Doctors' posts with free sessions of at most 500 places each, `places` in all.
async fn open_sessions(
    client: &reqwest::Client,
    base: &str,
    admin: &str,
    places: u32,
    today: jiff::civil::Date,
) -> anyhow::Result<Vec<String>> {
    let post = |path: &str, body: Value| {
        client
            .post(format!("{base}{path}"))
            .bearer_auth(admin)
            .header("content-type", "application/fhir+json")
            .body(body.to_string())
            .send()
    };
    let dept: Value = post(
        "/fhir/Organization",
        json!({"resourceType": "Organization", "name": "压测科室"}),
    )
    .await?
    .json()
    .await?;
    let dept_id = dept["id"].as_str().unwrap_or_default().to_owned();
    let session_day = today.saturating_add(jiff::Span::new().days(2)).to_string();
    let mut slots = Vec::new();
    let mut left = places;
    while left > 0 {
        let capacity = left.min(500);
        left -= capacity;
        let doctor: Value = post(
            "/fhir/Practitioner",
            json!({"resourceType": "Practitioner", "name": [{"text": "压测医生"}]}),
        )
        .await?
        .json()
        .await?;
        let role: Value = post("/fhir/PractitionerRole", json!({
            "resourceType": "PractitionerRole",
            "practitioner": {"reference": format!("Practitioner/{}", doctor["id"].as_str().unwrap_or_default())},
            "organization": {"reference": format!("Organization/{dept_id}")},
        })).await?.json().await?;
        let session = json!({"practitioner_role": role["id"], "date": session_day, "period": "morning", "capacity": capacity, "slot_minutes": 5});
        let created: Value = client
            .post(format!("{base}/api/admin/sessions"))
            .bearer_auth(admin)
            .json(&session)
            .send()
            .await?
            .json()
            .await?;
        let ids = created["slots"]
            .as_array()
            .ok_or_else(|| anyhow::anyhow!("session not created: {created}"))?;
        slots.extend(
            ids.iter()
                .filter(|s| s["extension"][0]["valueInteger"].as_i64().unwrap_or(0) > 0)
                .filter_map(|s| s["id"].as_str().map(str::to_owned)),
        );
    }
    Ok(slots)
}

/// Patients with verified identities, written straight through the store (setup, not measured).
async fn make_patients(
    store: &Store,
    count: usize,
    today: jiff::civil::Date,
) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let mut patient = json!({
            "resourceType": "Patient",
            "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": resident_id(n + 100_000)}],
            "name": [{"text": format!("压测{n}"), "family": "压", "given": [format!("测{n}")]}],
        });
        (PATIENT.check)(&mut patient, None, today)
            .map_err(|issues| anyhow::anyhow!("{issues:?}"))?;
        let id = format!("flash-{n}");
        patient["id"] = json!(id);
        let (index, unique) = PATIENT.index(&patient);
        store
            .create_resource(ResourceWrite {
                resource_type: "Patient",
                id: &id,
                content: &patient,
                index: &index,
                unique: &unique,
                sealed: true,
            })
            .await?;
        ids.push(id);
    }
    Ok(ids)
}

pub async fn run(plan: &FlashPlan, store: &Store) -> anyhow::Result<FlashOutcome> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let admin = token(&client, &plan.base, "admin", "Bench@2026xy").await?;
    let registrar = token(&client, &plan.base, "registrar", "Huimin@2026!").await?;
    let slots = open_sessions(&client, &plan.base, &admin, plan.places, plan.clock.today()).await?;
    println!(
        "setup: {} slots with {} places; creating {} patients…",
        slots.len(),
        plan.places,
        plan.attempts
    );
    let patients = make_patients(store, plan.attempts, plan.clock.today()).await?;
    let addr = crate::wire::address(&plan.base)?;
    let bearer = format!("Bearer {registrar}");
    let requests = Arc::new(book_requests(addr, &bearer, &slots, &patients));
    let next = Arc::new(AtomicUsize::new(0));
    // The release instant: every client is ready (and, unless cold, connected) before it.
    let release = Arc::new(tokio::sync::Barrier::new(plan.clients + 1));
    let tasks: Vec<_> = (0..plan.clients)
        .map(|n| {
            let look = (!plan.cold).then(|| {
                let slot = &slots[(n * 7919) % slots.len()];
                let path = format!("/fhir/Slot/{slot}");
                crate::wire::request("GET", addr, &path, &[("authorization", &bearer)], b"")
            });
            let client = Client {
                addr,
                requests: requests.clone(),
                next: next.clone(),
                release: release.clone(),
            };
            tokio::spawn(client.attempt_until_done(look))
        })
        .collect();
    let mut perf = crate::perf::PerfControl::from_env()?;
    let cpu_before = ThreadTimes::now();
    let sampler = MachineSampler::start(Duration::from_millis(10));
    perf.enable();
    release.wait().await;
    let started = Instant::now();
    let mut tally = Tally::default();
    for task in tasks {
        tally.add(task.await?);
    }
    let elapsed = started.elapsed();
    perf.disable();
    let cpu = ThreadTimes::now().since(&cpu_before);
    let samples = sampler.stop();
    let selling = tally
        .last_ok
        .and_then(|last| spent_between(&samples, started, last));
    let (booked, over, doubles) = verify(store).await?;
    Ok(FlashOutcome {
        sold_out_after: tally.last_ok.map(|t| t - started),
        reports: tally.reports(elapsed),
        booked,
        over_capacity_slots: over,
        patients_with_two: doubles,
        attempts: tally.attempts,
        cpu,
        selling,
    })
}

/// Every attempt's `$book` request, written out before the release: the load generator
/// shares the two cores with the server, and what it spends formatting is taken from the
/// server.
fn book_requests(
    addr: std::net::SocketAddr,
    bearer: &str,
    slots: &[String],
    patients: &[String],
) -> Vec<Vec<u8>> {
    patients
        .iter()
        .enumerate()
        .map(|(n, patient)| {
            let slot = &slots[(n * 7919) % slots.len()];
            let body = json!({"resourceType": "Parameters", "parameter": [
                {"name": "slot", "valueReference": {"reference": format!("Slot/{slot}")}},
                {"name": "patient", "valueReference": {"reference": format!("Patient/{patient}")}},
            ]})
            .to_string();
            crate::wire::request(
                "POST",
                addr,
                "/fhir/Appointment/$book",
                &[
                    ("authorization", bearer),
                    ("content-type", "application/fhir+json"),
                ],
                body.as_bytes(),
            )
        })
        .collect()
}

/// One of the crowd's clients: its connection and the shared list of attempts.
struct Client {
    addr: std::net::SocketAddr,
    requests: Arc<Vec<Vec<u8>>>,
    next: Arc<AtomicUsize>,
    release: Arc<tokio::sync::Barrier>,
}

impl Client {
    /// Looks at its slot (unless cold), waits for the release, then takes attempts off the
    /// shared list until none is left.
    async fn attempt_until_done(self, look: Option<Vec<u8>>) -> Tally {
        let mut connection = crate::wire::Connection::new(self.addr);
        if let Some(look) = look {
            // A failed look is not fatal: the attempts that follow are what is measured.
            let _ = connection.send(&look).await;
        }
        self.release.wait().await;
        let mut tally = Tally::default();
        let released = Instant::now();
        while let Some(request) = self.requests.get(self.next.fetch_add(1, Ordering::Relaxed)) {
            let t = Instant::now();
            let status = connection.send(request).await;
            let took = t.elapsed();
            tally
                .attempts
                .push((t - released, took, matches!(status, Ok(201))));
            match status {
                Ok(201) => {
                    tally.ok.push(took);
                    tally.last_ok = Some(Instant::now());
                }
                Ok(409) => tally.full.push(took),
                _ => tally.failed += 1,
            }
        }
        tally
    }
}

/// What clients saw: latencies by answer, failures, the last booked answer, every attempt by
/// start time (since the release), latency and whether it booked.
#[derive(Default)]
struct Tally {
    ok: Vec<Duration>,
    full: Vec<Duration>,
    failed: usize,
    last_ok: Option<Instant>,
    attempts: Vec<(Duration, Duration, bool)>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.ok.extend(other.ok);
        self.full.extend(other.full);
        self.failed += other.failed;
        self.attempts.extend(other.attempts);
        self.last_ok = self.last_ok.max(other.last_ok);
    }

    fn reports(&self, elapsed: Duration) -> Vec<OpReport> {
        let mut all = self.ok.clone();
        all.extend(self.full.iter().copied());
        vec![
            OpReport {
                name: "$book attempts (all)",
                elapsed,
                latencies: all,
                errors: self.failed,
            },
            OpReport {
                name: "$book → 201 booked",
                elapsed,
                latencies: self.ok.clone(),
                errors: 0,
            },
            OpReport {
                name: "$book → 409 full",
                elapsed,
                latencies: self.full.clone(),
                errors: 0,
            },
        ]
    }
}

/// Exactly-once checks straight from the database.
async fn verify(store: &Store) -> anyhow::Result<(i64, usize, usize)> {
    let (booked, over) = store.booking_totals().await?;
    let doubles = store
        .patients_with_several_bookings_per_session_department()
        .await?;
    Ok((booked, over, doubles))
}
