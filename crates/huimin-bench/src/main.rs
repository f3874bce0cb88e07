//! `huimin-bench`: starts the real server (SQLite in a temp dir, or PostgreSQL when a URL is
//! given) on 127.0.0.1, then drives it over HTTP from concurrent clients for a bounded number
//! of requests or seconds and prints throughput and latency percentiles.
//!
//! Traffic goes only to the loopback address of the server this program started.

mod find;
mod flash;
mod pdf;
mod perf;
mod report;
mod scenario;
mod threads;
mod wire;

use std::time::Duration;

use clap::{Parser, Subcommand};
use huimin_server::{App, PasswordCost, Secret, Settings};
use huimin_store::DatabaseTarget;

/// The allocator the `huimin` binary runs with, so that the in-process server is measured as
/// it is deployed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "huimin-bench",
    about = "Benchmarks of the Huimin server over HTTP on 127.0.0.1"
)]
struct Args {
    /// PostgreSQL URL of an empty database to use instead of embedded SQLite.
    #[arg(long, env = "HUIMIN_BENCH_POSTGRES_URL", global = true)]
    postgres: Option<String>,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// Patient creation, then audited reads and searches from concurrent clients.
    Api {
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Seconds of read/search load (at most 120).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Patients created first (at most 20,000).
        #[arg(long, default_value_t = 2000)]
        patients: usize,
    },
    /// N places released at once, M booking attempts for distinct patients from C clients.
    Flash {
        #[arg(long, default_value_t = 2000)]
        places: u32,
        /// At most 50,000.
        #[arg(long, default_value_t = 20_000)]
        attempts: usize,
        #[arg(long, default_value_t = 500)]
        clients: usize,
        /// Open the clients' connections with their first attempts, at the release instant,
        /// instead of before it (patients who were not already on the booking page).
        #[arg(long)]
        cold: bool,
        /// Also print the attempts by start time, in 25 ms steps.
        #[arg(long)]
        timeline: bool,
    },
    /// Steady, uncontended booking: as many places as attempts, every attempt should book.
    Steady {
        /// Bookings to make (at most 50,000).
        #[arg(long, default_value_t = 20_000)]
        bookings: usize,
        #[arg(long, default_value_t = 64)]
        clients: usize,
    },
    /// Printing a visit record (the renderer alone, no server): the sample at 1 and 5 pages.
    Pdf {
        /// Renders of each sample.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// The font, as for `huimin serve`.
        #[arg(
            long = "pdf-font",
            env = "HUIMIN_PDF_FONT",
            default_value = huimin_server::state::pdf_font::DEFAULT_PDF_FONT,
            value_parser = huimin_server::state::pdf_font::FontSource::parse
        )]
        pdf_font: huimin_server::state::pdf_font::FontSource,
    },
    /// `$find` over a hospital's worth of future slots, from concurrent clients.
    Find {
        /// Slots written first (at most 2,000,000).
        #[arg(long, default_value_t = 1_000_000)]
        slots: usize,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Seconds of each query mix (at most 60).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Scenario::Pdf { runs, pdf_font } = &args.scenario {
        return pdf::run(*runs, pdf_font);
    }
    // The server's own logging, so that what it costs per request is measured too.
    huimin_server::logging::init(huimin_server::logging::LogFormat::Text);
    let dir = tempfile::tempdir()?;
    let mut settings = Settings::new(dir.path());
    settings.listen = "127.0.0.1:0".parse()?;
    settings.demo = true;
    settings.password_cost = PasswordCost::Fast;
    settings.admin_password = Some(Secret::new("Bench@2026xy"));
    settings.login_account_free = u32::MAX;
    settings.register_address_free = u32::MAX;
    settings.ip_failure_limit = u32::MAX;
    settings.guard.enabled = false;
    // Every client of the benchmark connects from 127.0.0.1.
    settings.connections.caps.per_address = usize::MAX;
    // A flash sale of online places: no window, elderly or referral reserve held back.
    settings.booking.rules.pools = huimin_domain::appointments::PoolPercentages {
        online: 100,
        window: 0,
        elderly: 0,
        referral: 0,
    };
    let backend = match &args.postgres {
        Some(url) => {
            settings.database = Some(DatabaseTarget::Postgres { url: url.clone() });
            "PostgreSQL"
        }
        None => "SQLite",
    };
    let app = App::build(settings).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let store = app.store().clone();
    let clock = app.state().clock.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let target = Target {
        backend,
        base,
        store: &store,
        clock,
    };
    let result = run(args.scenario, target).await;
    let _ = stop.send(());
    let _ = server.await;
    result
}

/// Where the scenarios run: the server the bench started and its store and clock.
struct Target<'a> {
    backend: &'a str,
    base: String,
    store: &'a huimin_store::Store,
    clock: huimin_clock::Clock,
}

async fn run(scenario: Scenario, target: Target<'_>) -> anyhow::Result<()> {
    match scenario {
        Scenario::Api {
            clients,
            seconds,
            patients,
        } => run_api(target, clients, seconds, patients).await,
        Scenario::Find {
            slots,
            clients,
            seconds,
        } => run_find(target, slots, clients, seconds).await,
        Scenario::Steady { bookings, clients } => run_steady(target, bookings, clients).await,
        Scenario::Flash {
            places,
            attempts,
            clients,
            cold,
            timeline,
        } => run_flash(target, places, attempts, clients, cold, timeline).await,
        Scenario::Pdf { runs, pdf_font } => pdf::run(runs, &pdf_font),
    }
}

async fn run_api(
    t: Target<'_>,
    clients: usize,
    seconds: u64,
    patients: usize,
) -> anyhow::Result<()> {
    let Target { backend, base, .. } = t;
    let plan = scenario::Plan {
        base,
        clients: clients.clamp(1, 1000),
        duration: Duration::from_secs(seconds.min(120)),
        patients: patients.min(20_000),
    };
    println!(
        "huimin-bench api: {backend}, {} clients, {} s, {} patients",
        plan.clients,
        plan.duration.as_secs(),
        plan.patients
    );
    report::print(&scenario::run(&plan).await?);
    Ok(())
}

async fn run_find(t: Target<'_>, slots: usize, clients: usize, seconds: u64) -> anyhow::Result<()> {
    let Target {
        backend,
        base,
        store,
        clock,
    } = t;
    let started = std::time::Instant::now();
    let written = find::populate(store, slots.clamp(1, 2_000_000), &clock).await?;
    println!(
        "huimin-bench find: {backend}, {written} slots written in {:.1} s, {} clients",
        started.elapsed().as_secs_f64(),
        clients.clamp(1, 256)
    );
    let plan = find::FindPlan {
        base,
        clients: clients.clamp(1, 256),
        duration: Duration::from_secs(seconds.clamp(1, 60)),
    };
    report::print(&find::run(&plan).await?);
    Ok(())
}

async fn run_steady(t: Target<'_>, bookings: usize, clients: usize) -> anyhow::Result<()> {
    let Target {
        backend,
        base,
        store,
        clock,
    } = t;
    let bookings = bookings.clamp(1, 50_000);
    let plan = flash::FlashPlan {
        base,
        clock,
        places: u32::try_from(bookings)?,
        attempts: bookings,
        clients: clients.clamp(1, 2000),
        cold: false,
    };
    println!(
        "huimin-bench steady: {backend}, {bookings} bookings into as many places, {} clients",
        plan.clients
    );
    let outcome = flash::run(&plan, store).await?;
    print_bookings(&outcome, store);
    anyhow::ensure!(
        outcome.over_capacity_slots == 0 && outcome.patients_with_two == 0,
        "inconsistent bookings"
    );
    Ok(())
}

async fn run_flash(
    t: Target<'_>,
    places: u32,
    attempts: usize,
    clients: usize,
    cold: bool,
    timeline: bool,
) -> anyhow::Result<()> {
    let Target {
        backend,
        base,
        store,
        clock,
    } = t;
    let plan = flash::FlashPlan {
        base,
        clock,
        places: places.clamp(1, 20_000),
        attempts: attempts.min(50_000),
        clients: clients.clamp(1, 2000),
        cold,
    };
    let connections = if cold {
        "opened at the release"
    } else {
        "open before the release"
    };
    println!(
        "huimin-bench flash: {backend}, {} places, {} attempts, {} clients (connections {connections})",
        plan.places, plan.attempts, plan.clients
    );
    let outcome = flash::run(&plan, store).await?;
    print_bookings(&outcome, store);
    if timeline {
        report::print_timeline(&outcome.attempts, Duration::from_millis(25));
    }
    match outcome.sold_out_after {
        Some(t) if outcome.booked >= i64::from(plan.places) => {
            println!("sold out after {:.3} s", t.as_secs_f64())
        }
        _ => println!(
            "not sold out: {} of {} places booked",
            outcome.booked, plan.places
        ),
    }
    println!(
        "checks: {} bookings for {} places; {} slots over capacity or inconsistent; {} patients over the per-session quota",
        outcome.booked, plan.places, outcome.over_capacity_slots, outcome.patients_with_two
    );
    anyhow::ensure!(
        outcome.booked <= i64::from(plan.places),
        "more bookings than places"
    );
    anyhow::ensure!(
        outcome.over_capacity_slots == 0,
        "a slot is over capacity or inconsistent"
    );
    anyhow::ensure!(outcome.patients_with_two == 0, "a patient broke the quota");
    Ok(())
}

/// What a steady or flash run's bookings took: latencies, CPU, the machine, the groups.
fn print_bookings(outcome: &flash::FlashOutcome, store: &huimin_store::Store) {
    report::print(&outcome.reports);
    report::print_cpu(&outcome.cpu, outcome.booked);
    report::print_selling(outcome.selling, outcome.booked);
    report::print_groups(store.booking_group_stats());
}
