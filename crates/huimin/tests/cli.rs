//! The `huimin` binary as an operator uses it: each command's flags, account commands, audit
//! verification, the data key check, and a server that starts, answers and shuts down
//! gracefully on SIGTERM.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn huimin(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(args)
        .env("HUIMIN_DATA_DIR", dir)
        .env_remove("HUIMIN_DATABASE_URL")
        .env_remove("HUIMIN_DATA_KEY")
        .env_remove("HUIMIN_ADMIN_PASSWORD")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const SERVER_FLAGS: [&str; 8] = [
    "--listen",
    "--demo",
    "--admin-password",
    "--token-ttl",
    "--rate-limit",
    "--log-json",
    "--desk-code-minutes",
    "--desk-code-tries",
];
const STORAGE_FLAGS: [&str; 3] = ["--data-dir", "--database-url", "--data-key"];

/// The help of `args`, which must succeed.
fn help(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let output = huimin(dir.path(), args);
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn each_command_lists_the_flags_that_apply_to_it() {
    let serve = help(&["serve", "--help"]);
    for flag in SERVER_FLAGS.iter().chain(&STORAGE_FLAGS) {
        assert!(serve.contains(flag), "serve lacks {flag}: {serve}");
    }
    for args in [
        &["user", "--help"][..],
        &["user", "add", "--help"],
        &["user", "list", "--help"],
        &["audit", "--help"],
        &["audit", "verify", "--help"],
    ] {
        let text = help(args);
        for flag in SERVER_FLAGS {
            assert!(!text.contains(flag), "{args:?} lists {flag}: {text}");
        }
        for flag in STORAGE_FLAGS {
            assert!(text.contains(flag), "{args:?} lacks {flag}: {text}");
        }
    }
    let top = help(&["--help"]);
    for flag in SERVER_FLAGS.iter().chain(&STORAGE_FLAGS) {
        assert!(!top.contains(flag), "the top level lists {flag}: {top}");
    }
}

#[test]
fn server_flags_are_refused_where_they_mean_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = huimin(dir.path(), &["user", "list", "--demo"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--demo"), "{}", stderr(&output));
    assert!(!dir.path().join("huimin.db").exists(), "nothing was opened");
}

/// The storage flags apply to `user` and `audit` on either side of their subcommand, and
/// win over the environment.
#[test]
fn storage_flags_choose_the_database_of_the_account_commands() {
    let env_dir = tempfile::tempdir().unwrap();
    let flag_dir = tempfile::tempdir().unwrap();
    let flag = flag_dir.path().to_str().unwrap();
    let added = huimin(
        env_dir.path(),
        &[
            "user",
            "--data-dir",
            flag,
            "add",
            "li.doctor",
            "--role",
            "doctor",
            "--password",
            "Doctor2026xyz",
        ],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let listed = stdout(&huimin(
        env_dir.path(),
        &["user", "list", "--data-dir", flag],
    ));
    assert!(listed.contains("li.doctor"), "{listed}");
    let elsewhere = stdout(&huimin(env_dir.path(), &["user", "list"]));
    assert!(!elsewhere.contains("li.doctor"), "{elsewhere}");
    let verified = huimin(env_dir.path(), &["audit", "verify", "--data-dir", flag]);
    assert!(verified.status.success(), "{}", stderr(&verified));
}

/// The account and audit commands open the database through the same key check as the
/// server: a missing or wrong key is refused with the fix, never replaced.
#[test]
fn account_commands_refuse_a_database_without_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let added = add_nurse(path);
    assert!(added.status.success(), "{}", stderr(&added));
    let key_file = path.join("data.key");
    let key = std::fs::read_to_string(&key_file).unwrap();
    std::fs::remove_file(&key_file).unwrap();

    let listed = huimin(path, &["user", "list"]);
    assert!(!listed.status.success());
    let message = stderr(&listed);
    assert!(
        message.contains("data.key") && message.contains("missing"),
        "{message}"
    );
    assert!(!key_file.exists(), "no new key was made");

    let other_key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    let verified = huimin(path, &["audit", "verify", "--data-key", other_key]);
    assert!(!verified.status.success());
    let message = stderr(&verified);
    assert!(message.contains("HUIMIN_DATA_KEY"), "{message}");

    let verified = huimin(path, &["audit", "verify", "--data-key", key.trim()]);
    assert!(verified.status.success(), "{}", stderr(&verified));
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
            "Nurse2026xyz",
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
    let duplicate = add_nurse(path);
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
            "Nurse2026xyz",
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
                "NewPass2026xy"
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

#[test]
fn import_icd10_replaces_the_table_and_a_bad_line_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "# licensed table\ncode,name_zh,name_en,chapter\nI10.x00,高血压,Hypertension,IX\nJ06.900,急性上呼吸道感染,,\n",
    )
    .unwrap();
    let output = huimin(
        dir.path(),
        &["codes", "import-icd10", good.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("imported 2 ICD-10 codes (table version 1)"));

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "code,name_zh,name_en,chapter\nE11.900,2型糖尿病,,\nE1l.900,坏编码,,\nK29.700,,,\n",
    )
    .unwrap();
    let output = huimin(
        dir.path(),
        &["codes", "import-icd10", bad.to_str().unwrap()],
    );
    assert!(!output.status.success());
    let errors = stderr(&output);
    assert!(
        errors.contains("Line 3:") && errors.contains("Line 4:"),
        "{errors}"
    );
    assert!(errors.contains("nothing was imported"), "{errors}");

    // The table is still version 1: importing the good file again makes it 2.
    let output = huimin(
        dir.path(),
        &["codes", "import-icd10", good.to_str().unwrap()],
    );
    assert!(
        stdout(&output).contains("(table version 2)"),
        "{}",
        stdout(&output)
    );
}

/// A free local address to listen on.
fn free_address() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

/// Whether `/healthz` at `listen` answers 200 within a minute.
fn becomes_healthy(listen: &str) -> bool {
    let started = Instant::now();
    loop {
        if let Ok(mut stream) = std::net::TcpStream::connect(listen) {
            use std::io::{Read, Write};
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response);
            if response.starts_with("HTTP/1.1 200") {
                return true;
            }
        }
        if started.elapsed() > Duration::from_secs(60) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Sends SIGTERM and returns the exit status and standard error once the server stopped.
#[cfg(unix)]
fn terminate(mut child: std::process::Child) -> (std::process::ExitStatus, String) {
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
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status, stderr)
}

#[cfg(unix)]
#[test]
fn serve_answers_health_checks_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let listen = free_address();
    let child = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(["serve", "--demo", "--listen", &listen])
        .env("HUIMIN_DATA_DIR", dir.path())
        .env("HUIMIN_ADMIN_PASSWORD", "Admin@12345!")
        .env_remove("HUIMIN_DATABASE_URL")
        .env_remove("HUIMIN_DATA_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(becomes_healthy(&listen), "the server became healthy");
    assert!(
        dir.path().join("huimin.db").exists(),
        "embedded SQLite in the data directory"
    );
    assert!(
        dir.path().join("data.key").exists(),
        "data key beside, not inside, the database"
    );
    let (status, stderr) = terminate(child);
    assert!(status.success(), "graceful shutdown exits 0");
    assert!(stderr.contains("demo hospital loaded"), "{stderr}");
    assert!(!stderr.contains("11010"), "no resident IDs in logs");
    // The demo is loaded once: a restart on the same data keeps one hospital.
    let verify = huimin(dir.path(), &["audit", "verify"]);
    assert!(verify.status.success());
}

/// `huimin` alone runs the server, configured by the environment.
#[cfg(unix)]
#[test]
fn without_a_command_the_server_runs_with_its_environment() {
    let dir = tempfile::tempdir().unwrap();
    let listen = free_address();
    let child = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .env("HUIMIN_DATA_DIR", dir.path())
        .env("HUIMIN_LISTEN", &listen)
        .env("HUIMIN_LOG_JSON", "true")
        .env_remove("HUIMIN_DATABASE_URL")
        .env_remove("HUIMIN_DATA_KEY")
        .env_remove("HUIMIN_ADMIN_PASSWORD")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(becomes_healthy(&listen), "the server became healthy");
    let (status, stderr) = terminate(child);
    assert!(status.success(), "graceful shutdown exits 0");
    assert!(
        stderr.lines().any(|line| line.starts_with('{')),
        "JSON log lines: {stderr}"
    );
}

/// `huimin user add wang.nurse --role nurse` with a password, in `path`.
fn add_nurse(path: &std::path::Path) -> std::process::Output {
    huimin(
        path,
        &[
            "user",
            "add",
            "wang.nurse",
            "--role",
            "nurse",
            "--password",
            "Nurse2026xyz",
        ],
    )
}
