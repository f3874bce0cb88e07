//! The `huimin` binary as an operator uses it: account commands, audit verification, and a
//! server that starts, answers and shuts down gracefully on SIGTERM.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn huimin(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(args)
        .env("HUIMIN_DATA_DIR", dir)
        .env_remove("HUIMIN_DATABASE_URL")
        .env_remove("HUIMIN_ADMIN_PASSWORD")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn user_commands_add_list_disable_and_reset_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let added = huimin(
        path,
        &[
            "user",
            "add",
            "wang.nurse",
            "--role",
            "nurse",
            "--display-name",
            "王护士",
            "--password",
            "Nurse2026x",
        ],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let weak = huimin(
        path,
        &[
            "user",
            "add",
            "weak",
            "--role",
            "nurse",
            "--password",
            "short",
        ],
    );
    assert!(!weak.status.success(), "a weak password is refused");
    let duplicate = huimin(
        path,
        &[
            "user",
            "add",
            "wang.nurse",
            "--role",
            "nurse",
            "--password",
            "Nurse2026x",
        ],
    );
    assert!(!duplicate.status.success());
    let bad_role = huimin(
        path,
        &[
            "user",
            "add",
            "x1",
            "--role",
            "wizard",
            "--password",
            "Nurse2026x",
        ],
    );
    assert!(!bad_role.status.success());
    let listed = stdout(&huimin(path, &["user", "list"]));
    assert!(
        listed.contains("wang.nurse") && listed.contains("nurse") && listed.contains("active"),
        "{listed}"
    );
    assert!(
        huimin(path, &["user", "disable", "wang.nurse"])
            .status
            .success()
    );
    assert!(stdout(&huimin(path, &["user", "list"])).contains("disabled"));
    assert!(
        huimin(
            path,
            &[
                "user",
                "reset-password",
                "wang.nurse",
                "--password",
                "NewPass2026"
            ]
        )
        .status
        .success()
    );
    assert!(
        !huimin(path, &["user", "disable", "nobody"])
            .status
            .success()
    );
}

#[test]
fn audit_verify_reports_an_intact_chain() {
    let dir = tempfile::tempdir().unwrap();
    let output = huimin(dir.path(), &["audit", "verify"]);
    assert!(output.status.success());
    assert!(stdout(&output).contains("intact"));
}

#[cfg(unix)]
#[test]
fn serve_answers_health_checks_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(["serve", "--demo", "--listen", &listen])
        .env("HUIMIN_DATA_DIR", dir.path())
        .env("HUIMIN_ADMIN_PASSWORD", "Admin@12345")
        .env_remove("HUIMIN_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let healthy = loop {
        if let Ok(mut stream) = std::net::TcpStream::connect(&listen) {
            use std::io::{Read, Write};
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response);
            if response.starts_with("HTTP/1.1 200") {
                break true;
            }
        }
        if started.elapsed() > Duration::from_secs(60) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(healthy, "the server became healthy");
    assert!(
        dir.path().join("huimin.db").exists(),
        "embedded SQLite in the data directory"
    );
    assert!(
        dir.path().join("data.key").exists(),
        "data key beside, not inside, the database"
    );
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "graceful shutdown exits 0");
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("demo hospital loaded"), "{stderr}");
    assert!(!stderr.contains("11010"), "no resident IDs in logs");
    // The demo is loaded once: a restart on the same data keeps one hospital.
    let verify = huimin(dir.path(), &["audit", "verify"]);
    assert!(verify.status.success());
}
