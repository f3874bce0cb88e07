//! A database that cannot be reached answers 503 with `Retry-After` and a localised
//! `OperationOutcome` (not 500), and the server serves again as soon as it is back.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use huimin_store::DatabaseTarget;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::helpers::*;

fn assert_unavailable(answer: &Resp) {
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert_eq!(answer.header("retry-after"), Some("5"));
    assert_eq!(answer.body["resourceType"], "OperationOutcome");
    assert_eq!(answer.body["issue"][0]["code"], "transient");
    assert!(
        answer.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("database cannot be reached"),
        "{}",
        answer.body
    );
    assert_eq!(answer.header("cache-control"), Some("no-store"));
}

/// A TCP relay to PostgreSQL that the test can cut: while cut, it drops every relayed
/// connection and closes new ones at once, as a database host that went away.
struct Gate {
    address: SocketAddr,
    open: Arc<Mutex<bool>>,
    relayed: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accepting: JoinHandle<()>,
}

impl Gate {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let open = Arc::new(Mutex::new(true));
        let relayed: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let accepting = {
            let (open, relayed) = (open.clone(), relayed.clone());
            tokio::spawn(async move {
                while let Ok((mut client, _)) = listener.accept().await {
                    if !*open.lock().unwrap() {
                        continue;
                    }
                    let upstream = upstream.clone();
                    relayed.lock().unwrap().push(tokio::spawn(async move {
                        if let Ok(mut server) = TcpStream::connect(upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    }));
                }
            })
        };
        Self {
            address,
            open,
            relayed,
            accepting,
        }
    }

    fn cut(&self) {
        *self.open.lock().unwrap() = false;
        for relay in self.relayed.lock().unwrap().drain(..) {
            relay.abort();
        }
    }

    fn restore(&self) {
        *self.open.lock().unwrap() = true;
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.cut();
        self.accepting.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_postgresql_answers_503_with_retry_after_and_the_server_recovers() {
    let admin = postgres_admin_url();
    let upstream = admin
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("127.0.0.1:5432")
        .to_owned();
    let gate = Gate::start(upstream.clone()).await;
    let through_gate = gate.address.to_string();
    let app = TestApp::spawn_with(Db::Postgres, move |s| {
        if let Some(DatabaseTarget::Postgres { url }) = &mut s.database {
            *url = url.replacen(&upstream, &through_gate, 1);
        }
    })
    .await;
    let (token, id) = app.patient("13800000001", "张三", ID_1).await;
    let path = format!("/fhir/Patient/{id}");
    assert_eq!(app.get(&path, Some(&token)).await.status, 200);

    gate.cut();
    let lost = app.get_lang(&path, Some(&token), "en").await;
    assert_unavailable(&lost);
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, 503);
    assert_eq!(health.header("retry-after"), Some("5"));

    gate.restore();
    assert_eq!(app.get(&path, Some(&token)).await.status, 200, "recovered");
    assert_eq!(app.get("/healthz", None).await.status, 200);
    drop(gate);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_sqlite_database_answers_503_with_retry_after_and_the_server_recovers() {
    use sqlx::Connection;
    let app = TestApp::spawn(Db::Sqlite).await;
    let (token, id) = app.patient("13800000001", "张三", ID_1).await;
    let path = format!("/fhir/Patient/{id}");
    assert_eq!(app.get(&path, Some(&token)).await.status, 200);

    // Another process holds the write lock (a long-running tool, a stuck backup): the read's
    // audit record cannot be written within SQLite's busy timeout (5 s).
    let file = app.dir.path().join("huimin.db");
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let locked = app.get_lang(&path, Some(&token), "en").await;
    assert_unavailable(&locked);

    sqlx::raw_sql("ROLLBACK").execute(&mut other).await.unwrap();
    other.close().await.unwrap();
    let again = tokio::time::timeout(Duration::from_secs(30), app.get(&path, Some(&token)))
        .await
        .unwrap();
    assert_eq!(again.status, 200, "recovered");
    app.finish().await;
}
