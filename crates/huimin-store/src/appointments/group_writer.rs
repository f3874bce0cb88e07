//! The group-commit writer of bookings.
//!
//! SQLite has one writer and, with `synchronous=FULL`, every commit waits for an fsync (about
//! a millisecond). Committed one by one, bookings would cap a booking rush at a few hundred
//! per second; so every booking request goes to one writer task that takes whatever has
//! arrived, decides the whole group from one snapshot (`group/`) and commits it once; should
//! that fail, the group is rolled back and re-run with each request in its own savepoint (a
//! refused or failed request rolls back alone). Every caller waits for the commit of its own
//! group, so an answered booking is on disk.
//!
//! PostgreSQL uses the same writer (one group at a time per process): one booking alone is
//! about a dozen statements, each costing the database CPU and a round trip; a group costs
//! about a dozen for all its requests. Several processes may book at once, so a group locks
//! its rows before it reads them (`group/postgres.rs`), and a deadlock runs it again.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use huimin_domain::appointments::{BanRule, Channel, ElderlyRule, QuotaRule};
use huimin_domain::directory::Departments;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Connection};
use tokio::sync::{mpsc, oneshot};

use super::booking::{
    BookingError, BookingMode, PlaceRequest, Replay, booking_audits, is_unique_violation,
    settle_unique_violation, take_place_in, tell_booked_in,
};
use super::group::{decide_group, prepare_reads};
use super::hint::FullSlots;
use crate::audit::append_in;
use crate::retry::{ATTEMPTS, Attempts, Finish, Retryable, pause_before_retry};
use crate::{NewAuditRecord, StoreError};
use huimin_domain::audit::ChainKey;

/// The largest group committed in one transaction.
const MAX_GROUP: usize = 256;

/// A [`PlaceRequest`] that owns its data, so it can wait for the writer.
struct WaitingPlace {
    slot_id: String,
    patient_id: String,
    account_id: Option<String>,
    channel: Channel,
    elderly: ElderlyRule,
    has_referral: bool,
    mode: BookingMode,
    now: Timestamp,
    tz: TimeZone,
    quota: QuotaRule,
    bans: BanRule,
    on_site: bool,
    idempotency: Option<(String, String)>,
    audit: Option<NewAuditRecord>,
    departments: Departments,
}

impl WaitingPlace {
    fn from_request(r: &PlaceRequest<'_>) -> Self {
        Self {
            slot_id: r.slot_id.to_owned(),
            patient_id: r.patient_id.to_owned(),
            account_id: r.account_id.map(str::to_owned),
            channel: r.channel,
            elderly: *r.elderly,
            has_referral: r.has_referral,
            mode: r.mode,
            now: r.now,
            tz: r.tz.clone(),
            quota: *r.quota,
            bans: r.bans.clone(),
            on_site: r.on_site,
            idempotency: r.idempotency.map(|(k, h)| (k.to_owned(), h.to_owned())),
            audit: r.audit.cloned(),
            departments: r.departments.clone(),
        }
    }

    fn request(&self) -> PlaceRequest<'_> {
        PlaceRequest {
            slot_id: &self.slot_id,
            patient_id: &self.patient_id,
            account_id: self.account_id.as_deref(),
            channel: self.channel,
            elderly: &self.elderly,
            has_referral: self.has_referral,
            mode: self.mode,
            now: self.now,
            tz: &self.tz,
            quota: &self.quota,
            bans: &self.bans,
            on_site: self.on_site,
            idempotency: self
                .idempotency
                .as_ref()
                .map(|(k, h)| (k.as_str(), h.as_str())),
            audit: self.audit.as_ref(),
            departments: &self.departments,
        }
    }
}

type Waiting = (WaitingPlace, oneshot::Sender<Result<Replay, BookingError>>);

/// How the booking groups went since the process started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupStats {
    /// Groups decided from one snapshot.
    pub decided: u64,
    /// Groups run again one request at a time after the snapshot path failed.
    pub fell_back: u64,
}

#[derive(Debug, Default)]
struct Counters {
    decided: AtomicU64,
    fell_back: AtomicU64,
}

#[derive(Clone, Debug)]
pub(crate) struct GroupWriter {
    sender: mpsc::Sender<Waiting>,
    counters: Arc<Counters>,
    /// PostgreSQL: the writer's own connections, closed with the store.
    own_pool: Option<AnyPool>,
}

/// Which database the group writer decides for, and how it reaches it.
pub(crate) enum GroupDatabase {
    /// The store's one writer connection: the snapshot is exact once the group's first
    /// statement took the write lock.
    Sqlite(AnyPool),
    /// One of possibly several processes: the group locks its rows first. The writer opens
    /// its own connections on its own thread, whose event loop then watches their sockets
    /// (on the HTTP runtime, each round trip's answer would wait behind the crowd).
    Postgres(AnyConnectOptions),
}

/// Connections of a PostgreSQL group writer: one for the groups, one for a fallback's
/// settling read.
const POSTGRES_WRITER_CONNECTIONS: u32 = 2;

impl GroupWriter {
    pub(crate) fn start(
        full_slots: Arc<FullSlots>,
        database: GroupDatabase,
        key: ChainKey,
    ) -> Self {
        let (sender, receiver) = mpsc::channel::<Waiting>(8192);
        let counters = Arc::new(Counters::default());
        let mut own_pool = None;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        match runtime {
            Ok(runtime) => {
                let (writer, postgres) = match database {
                    GroupDatabase::Sqlite(writer) => (writer, false),
                    GroupDatabase::Postgres(options) => {
                        let _inside = runtime.enter();
                        let pool = AnyPoolOptions::new()
                            .max_connections(POSTGRES_WRITER_CONNECTIONS)
                            .acquire_timeout(Duration::from_secs(30))
                            .connect_lazy_with(options);
                        own_pool = Some(pool.clone());
                        (pool, true)
                    }
                };
                let group_writer = write_groups(
                    writer,
                    full_slots,
                    key,
                    receiver,
                    counters.clone(),
                    postgres,
                );
                let spawned = std::thread::Builder::new()
                    .name("huimin-booking-writer".into())
                    .spawn(move || runtime.block_on(group_writer));
                if let Err(err) = spawned {
                    tracing::error!(error = %err, "could not start the booking writer thread");
                }
            }
            Err(err) => tracing::error!(error = %err, "could not start the booking writer runtime"),
        }
        Self {
            sender,
            counters,
            own_pool,
        }
    }

    /// Closes the writer's own connections (PostgreSQL); SQLite's are the store's.
    pub(crate) async fn close(&self) {
        if let Some(pool) = &self.own_pool {
            pool.close().await;
        }
    }

    pub(crate) fn stats(&self) -> GroupStats {
        GroupStats {
            decided: self.counters.decided.load(Ordering::Relaxed),
            fell_back: self.counters.fell_back.load(Ordering::Relaxed),
        }
    }

    /// Hands the request to the writer and waits for the commit of its group.
    pub(crate) async fn submit(&self, request: &PlaceRequest<'_>) -> Result<Replay, BookingError> {
        let (reply, answer) = oneshot::channel();
        let stopped =
            || BookingError::Store(StoreError::Batch("the booking group writer stopped".into()));
        self.sender
            .send((WaitingPlace::from_request(request), reply))
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// The group writer's loop: takes whatever has arrived (≤ [`MAX_GROUP`]), commits it as one
/// group and answers every caller. The group's statements run one after another, each a
/// round trip to the database; on the shared runtime every round trip waited behind hundreds
/// of HTTP tasks for its turn, on its own thread the writer is woken at once.
async fn write_groups(
    writer: AnyPool,
    full_slots: Arc<FullSlots>,
    key: ChainKey,
    mut receiver: mpsc::Receiver<Waiting>,
    counted: Arc<Counters>,
    postgres: bool,
) {
    if let Err(err) = prepare(&writer, postgres).await {
        tracing::warn!(error = %err, "could not prepare the booking group's statements");
    }
    let mut group = Vec::new();
    // Waits for one request, then takes whatever else has arrived (0: the channel closed).
    while receiver.recv_many(&mut group, MAX_GROUP).await > 0 {
        let group = std::mem::take(&mut group);
        let places: Vec<&WaitingPlace> = group.iter().map(|(p, _)| p).collect();
        let started = std::time::Instant::now();
        let committed = commit_group(&writer, &full_slots, &key, &places, &counted, postgres);
        let committed = committed.await;
        // The group's transaction, from its first statement to its commit (`/metrics`).
        metrics::histogram!("huimin_booking_group_seconds").record(started.elapsed());
        metrics::histogram!("huimin_booking_group_size").record(places.len() as f64);
        match committed {
            Ok(outcomes) => {
                for ((_, reply), outcome) in group.into_iter().zip(outcomes) {
                    let _ = reply.send(outcome);
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "booking group commit failed");
                for (_, reply) in group {
                    let failed = err.relayed(StoreError::Batch);
                    let _ = reply.send(Err(BookingError::Store(failed)));
                }
            }
        }
    }
}

/// Prepares the group's reads on a writer connection, which then keeps them for the
/// process's life (the SQLite writer pool never recycles its connection, `connection.rs`).
async fn prepare(writer: &AnyPool, postgres: bool) -> Result<(), StoreError> {
    let mut tx = writer.begin().await?;
    prepare_reads(&mut tx, postgres).await?;
    tx.rollback().await?;
    Ok(())
}

/// Decides the group from one snapshot and commits once ([`decide_group`]). Should that fail
/// (a database error, or a counter update that did not take exactly what the ledger decided),
/// the group is rolled back and run again request by request. The outer `Err` means nothing
/// of the group was written.
async fn commit_group(
    writer: &AnyPool,
    full_slots: &FullSlots,
    key: &ChainKey,
    places: &[&WaitingPlace],
    counters: &Counters,
    postgres: bool,
) -> Result<Vec<Result<Replay, BookingError>>, StoreError> {
    let requests: Vec<PlaceRequest<'_>> = places.iter().map(|p| p.request()).collect();
    let decided = decide_and_commit(writer, full_slots, key, &requests, counters, postgres).await?;
    if let Some(outcomes) = decided {
        return Ok(outcomes);
    }
    if postgres {
        let mut outcomes = Vec::with_capacity(requests.len());
        for request in &requests {
            outcomes.push(commit_alone(writer, full_slots, key, request).await);
        }
        return Ok(outcomes);
    }
    commit_one_by_one(writer, full_slots, key, &requests).await
}

/// The answers of the group decided from one snapshot and committed; `None` when it must run
/// again request by request (rolled back).
async fn decide_and_commit(
    writer: &AnyPool,
    full_slots: &FullSlots,
    key: &ChainKey,
    requests: &[PlaceRequest<'_>],
    counters: &Counters,
    postgres: bool,
) -> Result<Option<Vec<Result<Replay, BookingError>>>, StoreError> {
    for attempt in 1..=ATTEMPTS {
        let mut tx = writer.begin().await?;
        match decide_group(&mut tx, requests, full_slots, key, postgres).await {
            Ok(outcomes) => {
                tx.commit().await?;
                counters.decided.fetch_add(1, Ordering::Relaxed);
                return Ok(Some(outcomes));
            }
            // PostgreSQL: a deadlock with another process's sweep or cancellation (which
            // lock in another order) is run again whole, after a short random pause.
            Err(err) if attempt < ATTEMPTS && err.is_retryable() => {
                tx.rollback().await?;
                pause_before_retry(attempt).await;
            }
            Err(err) => {
                counters.fell_back.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(error = %err, "booking group falls back to one request at a time");
                tx.rollback().await?;
                break;
            }
        }
    }
    Ok(None)
}

/// PostgreSQL's fallback: one request in a transaction of its own, as a booking alone takes
/// its locks (patient, session (shared), appointments, slot, pool, audit head), retried on a
/// deadlock. One transaction with a savepoint per request, as on SQLite, would hold a request's slot and
/// pool while the next took its patient's lock, against the order every other writer keeps.
async fn commit_alone(
    writer: &AnyPool,
    full_slots: &FullSlots,
    key: &ChainKey,
    request: &PlaceRequest<'_>,
) -> Result<Replay, BookingError> {
    let mut attempts = Attempts::default();
    let taken = loop {
        let mut tx = writer.begin().await?;
        let outcome = async {
            let taken = take_place_in(&mut tx, request, full_slots).await?;
            tell_booked_in(&mut tx, &taken).await?;
            let outcome = [Ok(taken)];
            audit_places(&mut tx, key, std::slice::from_ref(request), &outcome).await?;
            let [outcome] = outcome;
            outcome.map(Finish::Commit)
        }
        .await;
        if let Some(answer) = attempts.end(tx, outcome).await {
            break answer;
        }
    };
    match taken {
        Err(err) if is_unique_violation(&err) => {
            let mut conn = writer.acquire().await?;
            settle_unique_violation(&mut conn, request).await
        }
        other => other,
    }
}

/// SQLite's fallback: every request in its own savepoint, one commit.
async fn commit_one_by_one(
    writer: &AnyPool,
    full_slots: &FullSlots,
    key: &ChainKey,
    requests: &[PlaceRequest<'_>],
) -> Result<Vec<Result<Replay, BookingError>>, StoreError> {
    let mut tx = writer.begin().await?;
    let mut outcomes = Vec::with_capacity(requests.len());
    for request in requests {
        let mut savepoint = tx.begin().await?;
        let taken = match take_place_in(&mut savepoint, request, full_slots).await {
            Ok(replay) => tell_booked_in(&mut savepoint, &replay)
                .await
                .map(|()| replay)
                .map_err(BookingError::from),
            Err(err) => Err(err),
        };
        match taken {
            Ok(replay) => {
                savepoint.commit().await?;
                outcomes.push(Ok(replay));
            }
            Err(err) => {
                savepoint.rollback().await?;
                outcomes.push(if is_unique_violation(&err) {
                    settle_unique_violation(&mut tx, request).await
                } else {
                    Err(err)
                });
            }
        }
    }
    audit_places(&mut tx, key, requests, &outcomes).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// The audit records of the places taken or replayed, in the fallback's transaction (a
/// decided group writes them itself): a booking is never answered without its record.
async fn audit_places(
    tx: &mut AnyConnection,
    key: &ChainKey,
    requests: &[PlaceRequest<'_>],
    outcomes: &[Result<Replay, BookingError>],
) -> Result<(), StoreError> {
    let records = booking_audits(requests, outcomes);
    if records.is_empty() {
        return Ok(());
    }
    let records: Vec<&NewAuditRecord> = records.iter().collect();
    append_in(tx, key, &records).await?;
    Ok(())
}
