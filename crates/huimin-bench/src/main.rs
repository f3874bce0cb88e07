//! `huimin-bench`: starts the real server (SQLite in a temp dir, or PostgreSQL when a URL is
//! given) on 127.0.0.1, loads data through the API, then drives it from concurrent clients
//! for a bounded time and prints throughput and latency percentiles.
//!
//! Traffic goes only to the loopback address of the server this program started.

mod report;
mod scenario;

use std::time::Duration;

use clap::Parser;
use huimin_server::{App, PasswordCost, Secret, Settings};
use huimin_store::DatabaseTarget;

#[derive(Debug, Parser)]
#[command(
    name = "huimin-bench",
    about = "Benchmarks of the Huimin server over HTTP on 127.0.0.1"
)]
struct Args {
    /// PostgreSQL URL of an empty database to use instead of embedded SQLite.
    #[arg(long, env = "HUIMIN_BENCH_POSTGRES_URL")]
    postgres: Option<String>,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Seconds of mixed read/search load (capped at 120).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Patients created through the API before the load phase (capped at 20,000).
    #[arg(long, default_value_t = 2000)]
    patients: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let mut settings = Settings::new(dir.path());
    settings.listen = "127.0.0.1:0".parse()?;
    settings.demo = true;
    settings.password_cost = PasswordCost::Fast;
    settings.admin_password = Some(Secret::new("Bench@2026x"));
    settings.lockout_threshold = i64::MAX;
    settings.ip_failure_limit = u32::MAX;
    let backend = match &args.postgres {
        Some(url) => {
            settings.database = Some(DatabaseTarget::Postgres { url: url.clone() });
            "PostgreSQL"
        }
        None => "SQLite",
    };
    let app = App::build(settings).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    println!(
        "huimin-bench: {backend}, {} clients, {} s, {} patients",
        args.clients,
        args.seconds.min(120),
        args.patients.min(20_000)
    );
    let plan = scenario::Plan {
        base,
        clients: args.clients.clamp(1, 1000),
        duration: Duration::from_secs(args.seconds.min(120)),
        patients: args.patients.min(20_000),
    };
    let result = scenario::run(&plan).await;
    let _ = stop.send(());
    let _ = server.await;
    let reports = result?;
    report::print(&reports);
    Ok(())
}
