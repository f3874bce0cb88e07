//! The `$find` scenario (issue: outpatient appointment engine): a hospital's worth of future
//! slots (1 M by default) written straight through the store, then `$find` queries of the kinds
//! patients send — a department's next two weeks, one doctor's sessions, a department and
//! registration class — from concurrent clients for a bounded time.

use std::time::{Duration, Instant};

use huimin_domain::appointments::PoolSplit;
use huimin_store::Store;
use huimin_store::appointments::{NewSession, NewSlot};

use crate::report::OpReport;

pub struct FindPlan {
    pub base: String,
    pub clients: usize,
    pub duration: Duration,
}

/// Departments and doctors of the synthetic hospital.
const DEPARTMENTS: usize = 40;
const DOCTORS_PER_DEPARTMENT: usize = 25;
/// Half-hour slots in a four-hour half day.
const SLOTS_PER_SESSION: usize = 8;
const CLASSES: [&str; 3] = ["general", "expert", "special-needs"];

fn department(d: usize) -> String {
    format!("bench-dept-{d}")
}

fn role(d: usize, n: usize) -> String {
    format!("bench-role-{d}-{n}")
}

/// Writes `plan.slots` slots: every doctor, morning and afternoon, day after day from
/// tomorrow, 8 slots of 2 places per session. Returns how many were written.
pub async fn populate(
    store: &Store,
    slots: usize,
    clock: &huimin_clock::Clock,
) -> anyhow::Result<usize> {
    let doctors = DEPARTMENTS * DOCTORS_PER_DEPARTMENT;
    let per_day = doctors * 2 * SLOTS_PER_SESSION;
    let days = slots.div_ceil(per_day);
    let today = clock.today();
    let mut written = 0;
    let mut batch = Vec::new();
    'days: for day in 1..=days {
        let date = today.saturating_add(jiff::Span::new().days(day as i64));
        for (period, hour) in [("morning", 8), ("afternoon", 13)] {
            let start = clock.zone().to_timestamp(date.at(hour, 0, 0, 0))?;
            for d in 0..DEPARTMENTS {
                for n in 0..DOCTORS_PER_DEPARTMENT {
                    if written >= slots {
                        break 'days;
                    }
                    let id = format!("bs-{date}-{period}-{d}-{n}");
                    let micros = |m: i64| start.as_microsecond() + m * 60_000_000;
                    let session_slots: Vec<NewSlot> = (0..SLOTS_PER_SESSION)
                        .map(|i| NewSlot {
                            id: format!("{id}-{i}"),
                            starts_at: micros(30 * i as i64),
                            ends_at: micros(30 * (i as i64 + 1)),
                            capacity: 2,
                            first_queue_number: 1 + 2 * i as u32,
                        })
                        .collect();
                    written += session_slots.len();
                    let places = (SLOTS_PER_SESSION * 2) as u32;
                    batch.push(NewSession {
                        id,
                        hospital_id: "hm-first".into(),
                        department_id: department(d),
                        practitioner_role_id: Some(role(d, n)),
                        room_id: None,
                        session_date: date.to_string(),
                        period: period.into(),
                        starts_at: micros(0),
                        ends_at: micros(30 * SLOTS_PER_SESSION as i64),
                        registration_class: CLASSES[n % CLASSES.len()].into(),
                        fee_fen: 5_000,
                        release_at: 0,
                        reserved_release_at: 0,
                        pools: PoolSplit {
                            online: places,
                            window: 0,
                            elderly: 0,
                            referral: 0,
                        },
                        slots: session_slots,
                    });
                    if batch.len() == 1_000 {
                        store.create_sessions(&batch).await?;
                        batch.clear();
                    }
                }
            }
        }
    }
    store.create_sessions(&batch).await?;
    Ok(written)
}

/// The query a client sends for its `n`-th request.
fn query(n: usize, total: bool) -> String {
    let d = (n * 7) % DEPARTMENTS;
    let total = if total { "" } else { "&_total=none" };
    match n % 3 {
        0 => format!("department={}&_count=20{total}", department(d)),
        1 => format!(
            "practitioner={}&_count=20{total}",
            role(d, n % DOCTORS_PER_DEPARTMENT)
        ),
        _ => format!(
            "department={}&class={}&_count=20{total}",
            department(d),
            CLASSES[n % CLASSES.len()]
        ),
    }
}

/// Runs the queries for `plan.duration`, with and without the total count.
pub async fn run(plan: &FindPlan) -> anyhow::Result<Vec<OpReport>> {
    let addr = crate::wire::address(&plan.base)?;
    let mut reports = Vec::new();
    for (name, total) in [("$find (_total=none)", false), ("$find (with total)", true)] {
        let started = Instant::now();
        let deadline = started + plan.duration;
        let mut tasks = Vec::new();
        for c in 0..plan.clients {
            tasks.push(tokio::spawn(async move {
                let mut connection = crate::wire::Connection::new(addr);
                let (mut latencies, mut errors, mut n) = (Vec::new(), 0usize, c);
                while Instant::now() < deadline {
                    let path = format!("/fhir/Appointment/$find?{}", query(n, total));
                    let request = crate::wire::request("GET", addr, &path, &[], b"");
                    let t = Instant::now();
                    // The whole bundle is read: the client pays for what it asked.
                    match connection.send(&request).await {
                        Ok(200) => latencies.push(t.elapsed()),
                        _ => errors += 1,
                    }
                    n += 17;
                }
                (latencies, errors)
            }));
        }
        let (mut latencies, mut errors) = (Vec::new(), 0);
        for task in tasks {
            let (l, e) = task.await?;
            latencies.extend(l);
            errors += e;
        }
        reports.push(OpReport {
            name,
            elapsed: started.elapsed(),
            latencies,
            errors,
        });
    }
    Ok(reports)
}
