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

const SERVER_FLAGS: [&str; 10] = [
    "--listen",
    "--demo",
    "--admin-password",
    "--token-ttl",
    "--rate-limit",
    "--log-json",
    "--log-format",
    "--metrics-addr",
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
        &["audit", "anchor", "--help"],
        &["audit", "export", "--help"],
        &["backup", "--help"],
        &["restore", "--help"],
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
        .env("HUIMIN_LOG_FORMAT", "json")
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

/// One HTTP/1.1 request to the server at `listen`: the status and the body.
fn http(
    listen: &str,
    request_line: &str,
    token: Option<&str>,
    form: Option<&str>,
) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(listen).unwrap();
    let mut request =
        format!("{request_line} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = form.unwrap_or_default();
    if form.is_some() {
        request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The access token of a password login, or `None`.
fn log_in(listen: &str, password: &str) -> Option<String> {
    let form = format!("grant_type=password&username=admin&password={password}");
    let (status, body) = http(listen, "POST /auth/token", None, Some(&form));
    if status != 200 {
        return None;
    }
    let start = body.find("\"access_token\":\"")? + "\"access_token\":\"".len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

/// `huimin user reset-password` in another process ends every session of the account on
/// the running server within the caller cache's 2 s, while a new login works.
#[cfg(unix)]
#[test]
fn reset_password_from_the_command_line_ends_the_running_servers_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let listen = free_address();
    let child = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(["serve", "--listen", &listen])
        .env("HUIMIN_DATA_DIR", dir.path())
        .env("HUIMIN_ADMIN_PASSWORD", "Admin@12345!")
        .env_remove("HUIMIN_DATABASE_URL")
        .env_remove("HUIMIN_DATA_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(becomes_healthy(&listen), "the server became healthy");
    let first = log_in(&listen, "Admin%4012345!").expect("admin logs in");
    let second = log_in(&listen, "Admin%4012345!").expect("admin logs in again");
    for token in [&first, &second] {
        assert_eq!(
            http(&listen, "GET /api/me/sign-ins", Some(token), None).0,
            200
        );
    }
    let reset = huimin(
        dir.path(),
        &[
            "user",
            "reset-password",
            "admin",
            "--password",
            "NewAdmin2026xy!",
        ],
    );
    assert!(reset.status.success(), "{}", stderr(&reset));
    std::thread::sleep(Duration::from_millis(2300));
    for token in [&first, &second] {
        assert_eq!(
            http(&listen, "GET /api/me/sign-ins", Some(token), None).0,
            401
        );
    }
    let new = log_in(&listen, "NewAdmin2026xy%21").expect("the new password works");
    assert_eq!(
        http(&listen, "GET /api/me/sign-ins", Some(&new), None).0,
        200
    );
    let (status, _) = terminate(child);
    assert!(status.success());
}

/// Runs SQL on the data directory's database, as someone with access to the file would.
fn tamper(dir: &std::path::Path, sql: &str) {
    use sqlx::Connection;
    let url = format!("sqlite://{}", dir.join("huimin.db").display());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .unwrap();
        });
}

/// A data directory whose audit trail holds `n` records (each export is recorded).
fn trail_of(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..n {
        let export = huimin(
            dir.path(),
            &[
                "audit",
                "export",
                "--from",
                "2026-01-01",
                "--to",
                "2026-01-02",
            ],
        );
        assert!(export.status.success(), "{}", stderr(&export));
    }
    dir
}

/// The anchor `huimin audit anchor` printed.
fn anchor_of(dir: &std::path::Path) -> String {
    let output = huimin(dir, &["audit", "anchor"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let line = text.lines().next().unwrap();
    line.strip_prefix("anchor: ").expect(&text).to_owned()
}

#[test]
fn audit_anchor_prints_a_line_that_verify_proves() {
    let dir = trail_of(3);
    let anchor = anchor_of(dir.path());
    let (seq, mac) = anchor.split_once(':').unwrap();
    assert_eq!(seq, "3");
    assert_eq!(mac.len(), 64);
    let output = huimin(dir.path(), &["audit", "verify", "--anchor", &anchor]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("audit chain intact: 3 records verified"),
        "{text}"
    );
    assert!(
        text.contains("every link is an HMAC-SHA256 under the data key"),
        "{text}"
    );
    assert!(text.contains(&format!("anchor {anchor} matches")), "{text}");
    // The first 32 hex digits are enough; a malformed anchor cannot be checked (1).
    let short = format!("{seq}:{}", &mac[..32]);
    let output = huimin(dir.path(), &["audit", "verify", "--anchor", &short]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = huimin(dir.path(), &["audit", "verify", "--anchor", "3:abc"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("SEQ:MAC"), "{}", stderr(&output));
}

/// The attack on the plain SHA-256 chain: the last records deleted and the head set to the
/// new last link. Verify finds it (exit 2, the first missing record), and an anchor taken
/// before says the chain up to it is gone.
#[test]
fn audit_verify_exits_2_when_the_tail_was_cut_off() {
    let dir = trail_of(4);
    let anchor = anchor_of(dir.path());
    tamper(
        dir.path(),
        "DELETE FROM audit_log WHERE seq > 2; \
         UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)",
    );
    let output = huimin(dir.path(), &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(
        text.starts_with("audit chain BROKEN at record 3: the head's seal does not match"),
        "{text}"
    );
    let output = huimin(dir.path(), &["audit", "verify", "--anchor", &anchor]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout(&output).contains("BROKEN at record 3"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn audit_export_writes_the_period_as_jsonl_or_csv() {
    let dir = trail_of(2);
    let today = jiff::Zoned::now().date().to_string();
    let output = huimin(
        dir.path(),
        &[
            "audit",
            "export",
            "--from",
            "2020-01-01",
            "--to",
            "2099-12-31",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "the two earlier exports");
    assert_eq!(lines[0]["seq"], 1);
    assert_eq!(lines[0]["action"], "export");
    assert_eq!(lines[1]["link"].as_str().unwrap().len(), 64);
    let file = dir.path().join("audit.csv");
    let csv = huimin(
        dir.path(),
        &[
            "audit",
            "export",
            "--from",
            "2020-01-01",
            "--to",
            "2099-12-31",
            "--format",
            "csv",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = std::fs::read_to_string(&file).unwrap();
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some("seq,recorded_at,actor,role,action,resource,source_ip,outcome,detail,link")
    );
    assert_eq!(rows.count(), 3, "and the JSON export");
    // Nothing recorded before 2020; the file is never overwritten; formats are named.
    let none = huimin(
        dir.path(),
        &[
            "audit",
            "export",
            "--from",
            "2019-01-01",
            "--to",
            "2019-12-31",
        ],
    );
    assert_eq!(stdout(&none), "");
    for args in [
        &["--format", "csv", "--out", file.to_str().unwrap()][..],
        &["--format", "xml"],
    ] {
        let mut all = vec!["audit", "export", "--from", &today, "--to", &today];
        all.extend_from_slice(args);
        assert_eq!(huimin(dir.path(), &all).status.code(), Some(1), "{args:?}");
    }
}

/// `backup` beside a running server, `restore` refused while it runs and done once it
/// stopped, and the server starting on the restored database.
#[cfg(unix)]
#[test]
fn backup_and_restore_round_trip_with_the_server_stopped_for_the_restore() {
    let dir = tempfile::tempdir().unwrap();
    let listen = free_address();
    let serve = || {
        Command::new(env!("CARGO_BIN_EXE_huimin"))
            .args(["serve", "--demo", "--listen", &listen])
            .env("HUIMIN_DATA_DIR", dir.path())
            .env("HUIMIN_ADMIN_PASSWORD", "Admin@12345!")
            .env_remove("HUIMIN_DATABASE_URL")
            .env_remove("HUIMIN_DATA_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let server = serve();
    assert!(becomes_healthy(&listen), "the server became healthy");
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("huimin-backup.db");
    let file_arg = file.to_str().unwrap();
    let backup = huimin(dir.path(), &["backup", "--to", file_arg]);
    assert!(backup.status.success(), "{}", stderr(&backup));
    let text = stdout(&backup);
    assert!(
        text.starts_with(&format!("backup written: {file_arg} (")),
        "{text}"
    );
    assert!(text.contains("audit head: "), "{text}");
    assert!(text.contains("rows: users "), "{text}");
    assert!(text.contains("data key"), "{text}");
    let again = huimin(dir.path(), &["backup", "--to", file_arg]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let forced = huimin(dir.path(), &["backup", "--to", file_arg, "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));

    let refused = huimin(dir.path(), &["restore", "--from", file_arg]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("stop it first"),
        "{}",
        stderr(&refused)
    );
    let (status, _) = terminate(server);
    assert!(status.success());

    let restored = huimin(dir.path(), &["restore", "--from", file_arg]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    let text = stdout(&restored);
    assert!(text.contains("its audit chain verified"), "{text}");
    assert!(text.contains("kept as"), "{text}");
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("huimin.db.before-restore-")
        })
        .count();
    assert_eq!(kept, 1, "the replaced database is kept aside");
    // Not a Huimin database: refused, nothing changed.
    let junk = backups.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let refused = huimin(dir.path(), &["restore", "--from", junk.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("not a Huimin database"),
        "{}",
        stderr(&refused)
    );

    let server = serve();
    assert!(
        becomes_healthy(&listen),
        "the server starts on the restored database"
    );
    let (status, _) = terminate(server);
    assert!(status.success());
    let verify = huimin(dir.path(), &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
}
