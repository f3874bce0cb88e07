//! The foundation scenario: patients created by a registrar, then a mix of audited patient
//! reads, patient searches and public directory searches from concurrent clients.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::report::OpReport;

pub struct Plan {
    pub base: String,
    pub clients: usize,
    pub duration: Duration,
    pub patients: usize,
}

const FAMILIES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];

/// A valid resident ID for the n-th synthetic patient (GB 11643 check character computed).
pub(crate) fn resident_id(n: usize) -> String {
    let birth = 19_500_101 + (n % 28) + 100 * (n / 28 % 12) + 10_000 * (n / 336 % 50);
    let first17 = format!("110101{birth:08}{:03}", n % 1000);
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

pub(crate) async fn token(
    client: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
) -> anyhow::Result<String> {
    let response: Value = client
        .post(format!("{base}/auth/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", user),
            ("password", password),
        ])
        .send()
        .await?
        .json()
        .await?;
    response["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("login failed: {response}"))
}

pub async fn run(plan: &Plan) -> anyhow::Result<Vec<OpReport>> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(plan.clients)
        .build()?;
    let registrar = token(&client, &plan.base, "registrar", "Huimin@2026!").await?;
    let (create, ids) = create_patients(&client, plan, &registrar).await?;
    let ids = Arc::new(ids);
    let reads = Arc::new(Mutex::new(Vec::new()));
    let searches = Arc::new(Mutex::new(Vec::new()));
    let directory = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + plan.duration;
    let mut tasks = Vec::new();
    for _ in 0..plan.clients {
        let (client, base, token, ids) = (
            client.clone(),
            plan.base.clone(),
            registrar.clone(),
            ids.clone(),
        );
        let (reads, searches, directory, errors) = (
            reads.clone(),
            searches.clone(),
            directory.clone(),
            errors.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut local = [Vec::new(), Vec::new(), Vec::new()];
            let mut i = 0usize;
            while Instant::now() < deadline {
                let which = i % 3;
                let url = match which {
                    0 => format!("{base}/fhir/Patient/{}", ids[rand::rng().random_range(0..ids.len())]),
                    1 => format!("{base}/fhir/Patient?family={}&_count=10", FAMILIES[i % FAMILIES.len()]),
                    _ => format!("{base}/fhir/PractitionerRole?specialty=urn:huimin:cs:department-code|03.0{}&_count=10", 1 + i % 8),
                };
                let request = if which == 2 { client.get(url) } else { client.get(url).bearer_auth(&token) };
                let t = Instant::now();
                match request.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        local[which].push(t.elapsed());
                    }
                    _ => {
                        errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                i += 1;
            }
            reads.lock().await.extend(local[0].drain(..));
            searches.lock().await.extend(local[1].drain(..));
            directory.lock().await.extend(local[2].drain(..));
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed();
    let errors = errors.load(std::sync::atomic::Ordering::Relaxed);
    Ok(vec![
        create,
        OpReport {
            name: "GET Patient/{id} (audited)",
            elapsed,
            latencies: std::mem::take(&mut *reads.lock().await),
            errors,
        },
        OpReport {
            name: "GET Patient?family=",
            elapsed,
            latencies: std::mem::take(&mut *searches.lock().await),
            errors: 0,
        },
        OpReport {
            name: "GET PractitionerRole?spec",
            elapsed,
            latencies: std::mem::take(&mut *directory.lock().await),
            errors: 0,
        },
    ])
}

async fn create_patients(
    client: &reqwest::Client,
    plan: &Plan,
    token: &str,
) -> anyhow::Result<(OpReport, Vec<String>)> {
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..plan.clients.min(32) {
        let (client, base, token, next, total) = (
            client.clone(),
            plan.base.clone(),
            token.to_owned(),
            next.clone(),
            plan.patients,
        );
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut ids, mut errors) = (Vec::new(), Vec::new(), 0usize);
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= total {
                    break;
                }
                let family = FAMILIES[n % FAMILIES.len()];
                let body = json!({
                    "resourceType": "Patient",
                    "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": resident_id(n)}],
                    "name": [{"text": format!("{family}测{n}"), "family": family, "given": [format!("测{n}")]}],
                    "telecom": [{"system": "phone", "value": format!("139{:08}", n)}],
                });
                let t = Instant::now();
                let response = client.post(format!("{base}/fhir/Patient")).bearer_auth(&token).header("content-type", "application/fhir+json").body(body.to_string()).send().await;
                match response {
                    Ok(r) if r.status().as_u16() == 201 => {
                        latencies.push(t.elapsed());
                        let created: Value = r.json().await.unwrap_or_default();
                        if let Some(id) = created["id"].as_str() {
                            ids.push(id.to_owned());
                        }
                    }
                    _ => errors += 1,
                }
            }
            (latencies, ids, errors)
        }));
    }
    let (mut latencies, mut ids, mut errors) = (Vec::new(), Vec::new(), 0);
    for task in tasks {
        let (l, i, e) = task.await?;
        latencies.extend(l);
        ids.extend(i);
        errors += e;
    }
    anyhow::ensure!(!ids.is_empty(), "no patient could be created");
    Ok((
        OpReport {
            name: "POST Patient",
            elapsed: started.elapsed(),
            latencies,
            errors,
        },
        ids,
    ))
}

#[cfg(test)]
mod tests {
    use super::resident_id;

    #[test]
    fn synthetic_resident_ids_are_valid_and_distinct() {
        let today = "2026-11-23".parse().unwrap();
        let mut seen = std::collections::HashSet::new();
        for n in 0..5000 {
            let id = resident_id(n);
            assert!(
                huimin_domain::identity::ResidentId::parse(&id, today).is_ok(),
                "{id}"
            );
            assert!(seen.insert(id));
        }
    }
}
