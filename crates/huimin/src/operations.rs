//! The operator's commands on the data itself: verifying, anchoring and exporting the audit
//! trail, backing the database up and restoring it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use huimin_clock::Clock;
use huimin_domain::audit::{Anchor, Verified};
use huimin_server::{Settings, open_store};
use huimin_store::backup::BackupSummary;
use huimin_store::{AuditRecord, NewAuditRecord, Store};
use jiff::Timestamp;

use crate::cli::AuditCommand;

/// The exit status of a chain that does not verify (1 is any other failure).
const BROKEN: i32 = 2;

pub async fn audit(settings: Settings, command: AuditCommand) -> anyhow::Result<()> {
    let clock = Clock::new(settings.booking.time_zone.clone());
    match command {
        AuditCommand::Verify { anchor } => {
            let anchor = anchor
                .map(|text| text.parse::<Anchor>())
                .transpose()
                .context("--anchor")?;
            let store = open(&settings).await?;
            let verified = verified_or_exit(&store, anchor).await?;
            store.close().await;
            println!("audit chain intact: {} records verified", verified.records);
            println!("{}", links_line(&verified));
            if let Some(anchor) = &verified.anchor {
                println!(
                    "anchor {anchor} matches: records 1-{} are unchanged since it was taken",
                    anchor.seq
                );
            }
            Ok(())
        }
        AuditCommand::Anchor => {
            let store = open(&settings).await?;
            let verified = verified_or_exit(&store, None).await?;
            if verified.records == 0 {
                store.close().await;
                bail!("the audit trail is empty: there is nothing to anchor yet");
            }
            let last = store
                .audit_record(verified.records)
                .await?
                .context("the anchored record vanished")?;
            store.close().await;
            let anchor = Anchor {
                seq: verified.records,
                mac: verified.last.clone(),
            };
            println!("anchor: {anchor}");
            println!(
                "record {} written {}; anchor taken {}",
                anchor.seq,
                local(&clock, last.facts.recorded_at_micros),
                local(&clock, clock.now().as_microsecond()),
            );
            println!(
                "keep this line outside this machine (paper, another system); check it with: \
                 huimin audit verify --anchor {anchor}"
            );
            Ok(())
        }
        AuditCommand::Export {
            from,
            to,
            format,
            out,
        } => export(&settings, &clock, &from, &to, &format, out.as_deref()).await,
    }
}

async fn open(settings: &Settings) -> anyhow::Result<Store> {
    open_store(settings).await.context("opening the database")
}

/// The verified chain; a broken one is reported and the process exits with [`BROKEN`].
async fn verified_or_exit(store: &Store, anchor: Option<Anchor>) -> anyhow::Result<Verified> {
    match store.check_audit_chain(anchor).await? {
        Ok(verified) => Ok(verified),
        Err(broken) => {
            store.close().await;
            println!(
                "audit chain BROKEN at record {}: {}",
                broken.seq,
                broken.to_string().split_once(": ").map_or("", |(_, r)| r)
            );
            std::process::exit(BROKEN);
        }
    }
}

/// Which records are linked how.
fn links_line(verified: &Verified) -> String {
    if verified.keyed_from <= 1 {
        "every link is an HMAC-SHA256 under the data key".to_owned()
    } else {
        format!(
            "records 1-{} are linked with plain SHA-256 (written before the chain was keyed; \
             anchor them to protect them); from record {} on every link is an HMAC-SHA256 \
             under the data key",
            verified.keyed_from - 1,
            verified.keyed_from
        )
    }
}

/// An instant as RFC 3339 in the hospital's time zone.
fn local(clock: &Clock, micros: i64) -> String {
    Timestamp::from_microsecond(micros)
        .map(|t| clock.wall(t).to_string() + &offset_of(clock, t))
        .unwrap_or_else(|_| micros.to_string())
}

fn offset_of(clock: &Clock, instant: Timestamp) -> String {
    clock.zone().to_offset(instant).to_string()
}

/// A period's bound: a day (its start in the hospital's time zone; `end` the next day's) or
/// an RFC 3339 instant.
fn bound(clock: &Clock, text: &str, end: bool) -> anyhow::Result<i64> {
    if let Ok(day) = text.parse::<jiff::civil::Date>() {
        let day = if end { day.tomorrow()? } else { day };
        let instant = clock
            .instant(day.to_datetime(jiff::civil::Time::midnight()))
            .context("no such local time")?;
        return Ok(instant.as_microsecond());
    }
    let instant: Timestamp = text.parse().with_context(|| {
        format!("{text:?} is neither a day (YYYY-MM-DD) nor an RFC 3339 instant")
    })?;
    Ok(instant.as_microsecond())
}

const EXPORT_FIELDS: [&str; 10] = [
    "seq",
    "recorded_at",
    "actor",
    "role",
    "action",
    "resource",
    "source_ip",
    "outcome",
    "detail",
    "link",
];

fn fields(clock: &Clock, record: &AuditRecord) -> [String; 10] {
    let f = &record.facts;
    [
        f.seq.to_string(),
        local(clock, f.recorded_at_micros),
        f.actor.clone(),
        f.role.clone(),
        f.action.clone(),
        f.resource.clone(),
        f.source_ip.clone(),
        f.outcome.clone(),
        f.detail.clone(),
        record.hash.clone(),
    ]
}

/// Where an export goes, as what.
enum Out {
    Csv(Box<csv::Writer<std::io::BufWriter<Box<dyn Write>>>>),
    Jsonl(std::io::BufWriter<Box<dyn Write>>),
}

async fn export(
    settings: &Settings,
    clock: &Clock,
    from: &str,
    to: &str,
    format: &str,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let (start, end) = (bound(clock, from, false)?, bound(clock, to, true)?);
    if end <= start {
        bail!("--to is not after --from");
    }
    let csv = match format {
        "csv" => true,
        "jsonl" => false,
        other => bail!("unknown format {other}; one of: jsonl, csv"),
    };
    let sink: Box<dyn Write> = match out {
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let sink = std::io::BufWriter::new(sink);
    let mut out = if csv {
        let mut table = csv::Writer::from_writer(sink);
        table.write_record(EXPORT_FIELDS)?;
        Out::Csv(Box::new(table))
    } else {
        Out::Jsonl(sink)
    };
    let store = open(settings).await?;
    let (mut after, mut count) = (0, 0u64);
    loop {
        let page = store.audit_between(start, end, after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.facts.seq;
        for record in &page {
            let values = fields(clock, record);
            match &mut out {
                Out::Csv(table) => table.write_record(&values)?,
                Out::Jsonl(sink) => {
                    let object: serde_json::Map<String, serde_json::Value> = EXPORT_FIELDS
                        .iter()
                        .zip(values)
                        .map(|(name, value)| {
                            let value = match *name {
                                "seq" => serde_json::Value::from(record.facts.seq),
                                _ => serde_json::Value::from(value),
                            };
                            ((*name).to_owned(), value)
                        })
                        .collect();
                    serde_json::to_writer(&mut *sink, &object)?;
                    sink.write_all(b"\n")?;
                }
            }
            count += 1;
        }
    }
    match &mut out {
        Out::Csv(table) => table.flush()?,
        Out::Jsonl(sink) => sink.flush()?,
    }
    // The export is itself an access to the trail: recorded like any other.
    store
        .audit(NewAuditRecord {
            actor: "huimin audit export".into(),
            role: "system".into(),
            action: "export".into(),
            resource: format!("AuditEvent?date=ge{from}&date=le{to}"),
            source_ip: String::new(),
            outcome: "success".into(),
            detail: format!("{count} records as {format}"),
        })
        .await?;
    store.close().await;
    eprintln!("exported {count} audit records recorded from {from} to {to}");
    Ok(())
}

pub async fn backup(settings: Settings, to: &Path, force: bool) -> anyhow::Result<()> {
    let store = open(&settings).await?;
    let written = store.back_up_to(to, force).await;
    store.close().await;
    let summary = written?;
    println!(
        "backup written: {} ({} bytes)",
        summary.path.display(),
        summary.bytes
    );
    print_summary(&summary);
    println!(
        "keep the data key (data.key or HUIMIN_DATA_KEY) backed up separately: without it the \
         backup's sealed records and audit links cannot be read or verified"
    );
    Ok(())
}

pub async fn restore(settings: Settings, from: &Path) -> anyhow::Result<()> {
    let key = huimin_server::key_source(&settings)?;
    let restored = huimin_store::backup::restore(&settings.database_target(), &key, from).await?;
    println!(
        "restored {} into {} ({} bytes); its audit chain verified",
        from.display(),
        restored.summary.path.display(),
        restored.summary.bytes
    );
    print_summary(&restored.summary);
    match &restored.kept_aside {
        Some(aside) => println!("the database it replaced is kept as {}", aside.display()),
        None => println!("there was no database to replace"),
    }
    Ok(())
}

fn print_summary(summary: &BackupSummary) {
    println!(
        "audit head: {}:{} ({} records)",
        summary.audit_records, summary.audit_head, summary.audit_records
    );
    let counts: Vec<String> = summary
        .counts
        .iter()
        .map(|(table, rows)| format!("{table} {rows}"))
        .collect();
    println!("rows: {}", counts.join(", "));
}
