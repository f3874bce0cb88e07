//! `huimin`: the server and its administration commands.

mod billing;
mod cli;

use anyhow::Context;
use clap::Parser;

mod operations;

use cli::{
    AuditArgs, Cli, CodesArgs, CodesCommand, Command, RecordArgs, RecordCommand, UserArgs,
    UserCommand,
};
use huimin_domain::roles::Role;
use huimin_server::{App, PasswordCost, Settings, accounts, open_store};

/// mimalloc instead of glibc's malloc: under a booking rush the server's threads allocate and
/// free small buffers all the time, and glibc's arenas spend a sixth of the CPU on it
/// (`docs/benchmarks.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let command = Cli::parse().into_command();
    huimin_server::logging::init(match &command {
        Command::Serve(args) => args.log_format(),
        _ => huimin_server::logging::LogFormat::Text,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(command))
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve(args.settings()).await,
        Command::User(UserArgs { storage, command }) => user(storage.settings(), command).await,
        Command::Audit(AuditArgs { storage, command }) => {
            operations::audit(storage.settings(), command).await
        }
        Command::Backup(args) => {
            operations::backup(args.storage.settings(), &args.to, args.force).await
        }
        Command::Restore(args) => operations::restore(args.storage.settings(), &args.from).await,
        Command::Record(RecordArgs {
            command:
                RecordCommand::SamplePdf {
                    out,
                    pages,
                    pdf_font,
                },
            ..
        }) => sample_pdf(&out, pages, &pdf_font),
        Command::Record(RecordArgs {
            storage,
            command: RecordCommand::Verify { composition },
        }) => verify_record(storage.settings(), &composition).await,
        Command::Codes(CodesArgs {
            storage,
            command: CodesCommand::ImportIcd10 { file },
        }) => import_icd10(storage.settings(), &file).await,
        Command::Billing(args) => billing::run(args.command).await,
    }
}

/// `huimin record verify <composition-id>`: each version's signature, checked against the
/// signing doctor's public key.
async fn verify_record(settings: Settings, composition: &str) -> anyhow::Result<()> {
    let store = open_store(&settings)
        .await
        .context("opening the database")?;
    let checks = huimin_server::records::signing::verify_note(&store, composition).await?;
    store.close().await;
    if checks.is_empty() {
        println!("no note Composition/{composition}");
        std::process::exit(2);
    }
    let mut bad = false;
    for (version, outcome) in &checks {
        match outcome {
            Ok(key) => println!("version {version}: signature valid (key {key})"),
            Err(e) => {
                // A draft (the current, unsigned version) is not a failure of the record.
                let unsigned = matches!(e, huimin_server::records::signing::VerifyError::Unsigned);
                bad |= !unsigned;
                println!("version {version}: {e}");
            }
        }
    }
    if bad {
        std::process::exit(2);
    }
    Ok(())
}

/// Replaces the ICD-10 table; running servers pick the new table up within seconds.
async fn import_icd10(settings: Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (save it as \"CSV UTF-8\")",
            file.display()
        )
    })?;
    let entries = match huimin_domain::records::parse_icd10_table(&text) {
        Ok(entries) => entries,
        Err(issues) => {
            for issue in &issues {
                eprintln!("{}", issue.message.en);
            }
            anyhow::bail!(
                "{} bad lines in {}; nothing was imported",
                issues.len(),
                file.display()
            );
        }
    };
    let store = open_store(&settings)
        .await
        .context("opening the database")?;
    let now = huimin_store::now_micros();
    let version = store.replace_icd10_table(&entries, now).await;
    store.close().await;
    let version = version.context("writing the table")?;
    println!(
        "imported {} ICD-10 codes (table version {version})",
        entries.len()
    );
    Ok(())
}

/// `huimin record sample-pdf`: renders the sample record and says where it went.
fn sample_pdf(
    out: &std::path::Path,
    pages: usize,
    source: &huimin_server::state::pdf_font::FontSource,
) -> anyhow::Result<()> {
    use huimin_server::records::{pdf, sample};
    let font = huimin_server::state::pdf_font::PdfFont::load(source).map_err(anyhow::Error::msg)?;
    let bytes = pdf::render_visit_pdf(&sample::sample_document(pages), &font)?;
    std::fs::write(out, &bytes)?;
    println!("{} ({} bytes)", out.display(), bytes.len());
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let listen = settings.listen;
    let app = App::build_with(settings, huimin_web::pages)
        .await
        .context("starting the server")?;
    tracing::info!(%listen, port = app.port(), "huimin is serving");
    app.run_until(shutdown_signal()).await.context("serving")?;
    tracing::info!("huimin stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn user(settings: Settings, command: UserCommand) -> anyhow::Result<()> {
    let store = open_store(&settings)
        .await
        .context("opening the database")?;
    let passwords = huimin_server::state::passwords::Passwords::new(PasswordCost::Default);
    match command {
        UserCommand::Add {
            username,
            role,
            display_name,
            practitioner,
            password,
        } => {
            let role: Role = role.parse().map_err(|_| {
                anyhow::anyhow!(
                    "unknown role {role}; one of: admin, registrar, doctor, nurse, pharmacist"
                )
            })?;
            let password = password_from(password)?;
            let user = accounts::add_user(
                &store,
                &passwords,
                &username,
                role,
                &password,
                display_name.as_deref().unwrap_or(""),
                practitioner.as_deref(),
            )
            .await?;
            println!("created {} ({})", user.username, user.role);
        }
        UserCommand::List { limit, offset } => {
            let users = store.list_users(limit, offset).await?;
            let total = store.count_users().await?;
            println!("{:<24} {:<11} {:<9} NAME", "USERNAME", "ROLE", "STATUS");
            for u in &users {
                let status = if u.disabled { "disabled" } else { "active" };
                let name = if u.role == "patient" {
                    huimin_domain::masking::mask_name(&u.display_name)
                } else {
                    u.display_name.clone()
                };
                let username = if u
                    .username
                    .starts_with(huimin_server::auth::PHONE_ACCOUNT_PREFIX)
                {
                    "(phone number)".to_owned()
                } else {
                    u.username.clone()
                };
                println!("{username:<24} {:<11} {status:<9} {name}", u.role);
            }
            println!("{} of {total} users (offset {offset})", users.len());
        }
        UserCommand::Disable { username } => {
            accounts::set_disabled(&store, &username, true).await?;
            println!("disabled {username}");
        }
        UserCommand::Enable { username } => {
            accounts::set_disabled(&store, &username, false).await?;
            println!("enabled {username}");
        }
        UserCommand::ResetPassword { username, password } => {
            let password = password_from(password)?;
            accounts::reset_password(&store, &passwords, &username, &password).await?;
            println!("password reset for {username}");
        }
    }
    store.close().await;
    Ok(())
}

/// The password from `--password`/`HUIMIN_USER_PASSWORD`, else one line of standard input
/// (so it need not appear in shell history).
fn password_from(given: Option<String>) -> anyhow::Result<String> {
    if let Some(password) = given {
        return Ok(password);
    }
    eprintln!("password (one line on standard input):");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
