//! The audit trail: append-only and chained with keyed links.
//!
//! Each record's link is an HMAC (under a key derived from the data key, never stored) of the
//! previous link and its own canonical bytes, and the head's seal binds the number of records
//! to the last link (`huimin_domain::audit`), so editing, deleting or reordering any row, or
//! cutting off the tail, breaks verification from that row on for whoever lacks the key. A
//! chain begun before links were keyed keeps its SHA-256 links up to a marker record written
//! at the first start with the key ([`key_chain`]). Appends go through one background task that writes whatever has queued
//! up in a single transaction (group commit); every caller still waits until its own record
//! is committed, so an answered request always has its audit record on disk.

use huimin_domain::audit::{
    Anchor, AuditFacts, ChainBreak, ChainCheck, ChainKey, Head, KEYED_MARKER_ACTION, Verified,
};
use sqlx::AnyPool;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use tokio::sync::{mpsc, oneshot};

use crate::sql::Arg;
use crate::{Store, StoreError, now_micros};

/// The largest group committed in one transaction.
const MAX_BATCH: usize = 256;

/// The values in an `audit_log` row ([`AUDIT_COLUMNS`]).
const AUDIT_CELLS: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAuditRecord {
    pub actor: String,
    pub role: String,
    pub action: String,
    pub resource: String,
    pub source_ip: String,
    pub outcome: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    pub facts: AuditFacts,
    pub hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditPage {
    pub total: i64,
    pub records: Vec<AuditRecord>,
}

/// Outcome of walking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainStatus {
    Intact { records: i64 },
    Broken { seq: i64, reason: String },
}

type Pending = (NewAuditRecord, oneshot::Sender<Result<i64, StoreError>>);

#[derive(Clone, Debug)]
pub struct AuditBatcher {
    sender: Option<mpsc::Sender<Pending>>,
}

impl AuditBatcher {
    pub(crate) fn unstarted() -> Self {
        Self { sender: None }
    }

    fn start(pool: crate::pool::Pool, key: ChainKey) -> Self {
        let (sender, mut receiver) = mpsc::channel::<Pending>(4096);
        tokio::spawn(async move {
            let mut batch = Vec::new();
            // Waits for one record, then takes whatever else has queued (0: the queue closed).
            while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
                let batch = std::mem::take(&mut batch);
                let records: Vec<&NewAuditRecord> = batch.iter().map(|(r, _)| r).collect();
                match append_batch(&pool, &key, &records).await {
                    Ok(first_seq) => {
                        for (i, (_, reply)) in batch.into_iter().enumerate() {
                            let _ = reply.send(Ok(first_seq + i as i64));
                        }
                    }
                    Err(err) => {
                        tracing::error!(error = %err, "audit append failed");
                        for (_, reply) in batch {
                            let _ = reply.send(Err(err.relayed(StoreError::Corrupt)));
                        }
                    }
                }
            }
        });
        Self {
            sender: Some(sender),
        }
    }
}

async fn append_batch(
    pool: &crate::pool::Pool,
    key: &ChainKey,
    records: &[&NewAuditRecord],
) -> Result<i64, StoreError> {
    let mut tx = pool.begin().await?;
    let first_seq = append_in(&mut tx, key, records).await?;
    tx.commit().await?;
    Ok(first_seq)
}

/// Appends records to the chain inside the caller's transaction; the sequence number of the
/// first.
pub(crate) async fn append_in(
    tx: &mut AnyConnection,
    key: &ChainKey,
    records: &[&NewAuditRecord],
) -> Result<i64, StoreError> {
    // The first statement is a write: it takes the head row's lock on PostgreSQL and the
    // database write lock on SQLite, so concurrent appenders (other processes) queue here.
    let head = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(records.len() as i64)
        .fetch_one(&mut *tx)
        .await?;
    let last_seq: i64 = head.try_get(0)?;
    let first_seq = last_seq - records.len() as i64 + 1;
    // The records and the head's new hash: their text is the same for any number of records,
    // kept prepared (`stable`).
    let mut batch = crate::sql::Batch::default()
        .stable()
        .postgres(crate::sql::is_postgres(tx));
    push_append(&mut batch, key, records, (first_seq - 1, head.try_get(1)?));
    if !batch.is_empty() {
        batch.run(tx).await?;
    }
    Ok(first_seq)
}

/// The head of the chain as a batch statement reads it: `(seq, hash)`.
pub(crate) const HEAD_QUERY: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";

/// Adds the statements appending `records` after the head `(seq, hash)` read in the same
/// transaction, where the head cannot move: SQLite booking groups hold the database write
/// lock from their first statement; PostgreSQL's lock the head row when they advance its
/// `seq` by the number of records (and append with the head's `seq` before that).
pub(crate) fn push_append(
    batch: &mut crate::sql::Batch,
    key: &ChainKey,
    records: &[&NewAuditRecord],
    head: (i64, String),
) {
    let entries = chained(key, records, head.0, head.1);
    let Some((last, last_hash)) = entries.last() else {
        return;
    };
    let (last_seq, last_hash) = (last.seq, last_hash.clone());
    // One JSON row source, whose text is the same for any number of records.
    let rows = batch.json_rows(entries.into_iter().map(|(facts, hash)| cells(facts, hash)));
    batch.push(&format!("INSERT INTO audit_log ({AUDIT_COLUMNS}) {rows}"));
    let seal = key.seal_head(last_seq, &last_hash);
    let (seq, hash, seal) = (batch.arg(last_seq), batch.arg(last_hash), batch.arg(seal));
    batch.push(&format!(
        "UPDATE audit_head SET seq = {seq}, hash = {hash}, seal = {seal} WHERE id = 1"
    ));
}

/// The values of one `audit_log` row, in the order of [`AUDIT_COLUMNS`].
fn cells(facts: AuditFacts, hash: String) -> [Arg; AUDIT_CELLS] {
    [
        facts.seq.into(),
        facts.recorded_at_micros.into(),
        facts.actor.into(),
        facts.role.into(),
        facts.action.into(),
        facts.resource.into(),
        facts.source_ip.into(),
        facts.outcome.into(),
        facts.detail.into(),
        hash.into(),
    ]
}

/// The records as chain entries after the head `(seq, hash)`: each with its sequence number
/// and the hash that links it to the one before.
fn chained(
    key: &ChainKey,
    records: &[&NewAuditRecord],
    head_seq: i64,
    head_hash: String,
) -> Vec<(AuditFacts, String)> {
    let now = now_micros();
    let mut prev = head_hash;
    records
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let facts = facts_of(head_seq + 1 + i as i64, now, record);
            let hash = key.link_of(&prev, &facts);
            prev = hash.clone();
            (facts, hash)
        })
        .collect()
}

fn facts_of(seq: i64, at: i64, record: &NewAuditRecord) -> AuditFacts {
    AuditFacts {
        seq,
        recorded_at_micros: at,
        actor: record.actor.clone(),
        role: record.role.clone(),
        action: record.action.clone(),
        resource: record.resource.clone(),
        source_ip: record.source_ip.clone(),
        outcome: record.outcome.clone(),
        detail: record.detail.clone(),
    }
}

const AUDIT_COLUMNS: &str =
    "seq, recorded_at, actor, role, action, resource, source_ip, outcome, detail, hash";

fn record_from_row(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        facts: AuditFacts {
            seq: row.try_get(0)?,
            recorded_at_micros: row.try_get(1)?,
            actor: row.try_get(2)?,
            role: row.try_get(3)?,
            action: row.try_get(4)?,
            resource: row.try_get(5)?,
            source_ip: row.try_get(6)?,
            outcome: row.try_get(7)?,
            detail: row.try_get(8)?,
        },
        hash: row.try_get(9)?,
    })
}

impl Store {
    pub(crate) fn with_audit_batcher(mut self) -> Self {
        self.audit = AuditBatcher::start(self.writer.clone(), self.chain_key().clone());
        self
    }

    /// The key of the audit chain's links (see [`crate::crypto::FieldCrypto::chain_key`]).
    pub(crate) fn chain_key(&self) -> &ChainKey {
        self.crypto.chain_key()
    }

    /// Appends one record and returns its sequence number once it is committed.
    pub async fn audit(&self, record: NewAuditRecord) -> Result<i64, StoreError> {
        let Some(sender) = &self.audit.sender else {
            return append_batch(&self.writer, self.chain_key(), &[&record]).await;
        };
        let (reply, answer) = oneshot::channel();
        sender
            .send((record, reply))
            .await
            .map_err(|_| StoreError::Corrupt("the audit writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Corrupt("the audit writer has stopped".into()))?
    }

    /// Newest first, optionally only one actor's or one resource's records.
    pub async fn audit_page(
        &self,
        actor: Option<&str>,
        resource_prefix: Option<&str>,
        count: u32,
        offset: u32,
    ) -> Result<AuditPage, StoreError> {
        let filter = "($1 = '' OR actor = $2) AND ($3 = '' OR resource LIKE $4)";
        let actor = actor.unwrap_or("").to_owned();
        let resource = resource_prefix.unwrap_or("").to_owned();
        let like = format!("{resource}%");
        let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM audit_log WHERE {filter}"
        )))
        .bind(actor.clone())
        .bind(actor.clone())
        .bind(resource.clone())
        .bind(like.clone())
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE {filter} ORDER BY seq DESC LIMIT {count} OFFSET {offset}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(actor.clone())
            .bind(actor)
            .bind(resource)
            .bind(like)
            .fetch_all(&self.pool)
            .await?;
        let records = rows.iter().map(record_from_row).collect::<Result<_, _>>()?;
        Ok(AuditPage { total, records })
    }

    /// Up to `limit` records recorded in `[from, to)` (microseconds) after record `after_seq`,
    /// in order: pages of an export.
    pub async fn audit_between(
        &self,
        from: i64,
        to: i64,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log \
             WHERE recorded_at >= $1 AND recorded_at < $2 AND seq > $3 ORDER BY seq LIMIT {limit}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .bind(after_seq)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record_from_row).collect()
    }

    pub async fn audit_record(&self, seq: i64) -> Result<Option<AuditRecord>, StoreError> {
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(seq)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(record_from_row).transpose()
    }

    /// Walks the chain from the first record, in pages, and checks it against the head
    /// read first (records appended meanwhile are left for the next run), so that edits,
    /// deletions, insertions and a cut-off tail are all detected; with an `anchor`, also that
    /// the chain up to the anchor's record is the one anchored.
    pub async fn check_audit_chain(
        &self,
        anchor: Option<Anchor>,
    ) -> Result<Result<Verified, ChainBreak>, StoreError> {
        check_chain(&self.pool, self.chain_key(), anchor).await
    }

    /// [`Store::check_audit_chain`] without an anchor, as a status.
    pub async fn verify_audit_chain(&self) -> Result<ChainStatus, StoreError> {
        Ok(match self.check_audit_chain(None).await? {
            Ok(verified) => ChainStatus::Intact {
                records: verified.records,
            },
            Err(broken) => ChainStatus::Broken {
                seq: broken.seq,
                reason: broken.to_string(),
            },
        })
    }
}

/// [`Store::check_audit_chain`] on the database behind `pool`.
pub(crate) async fn check_chain(
    pool: &AnyPool,
    key: &ChainKey,
    anchor: Option<Anchor>,
) -> Result<Result<Verified, ChainBreak>, StoreError> {
    let head = sqlx::query("SELECT seq, hash, keyed_from, seal FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    let head_seq: i64 = head.try_get(0)?;
    let keyed_from: Option<i64> = head.try_get(2)?;
    let head = Head {
        seq: head_seq,
        hash: head.try_get(1)?,
        seal: head.try_get(3)?,
    };
    let mut check = ChainCheck::new(key, keyed_from.unwrap_or(1), anchor);
    loop {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq >= $1 AND seq <= $2 \
             ORDER BY seq LIMIT 1000"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(check.next_seq())
            .bind(head_seq)
            .fetch_all(pool)
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let record = record_from_row(row)?;
            if let Err(broken) = check.push(&record.facts, &record.hash) {
                return Ok(Err(broken));
            }
        }
    }
    Ok(check.finish(&head))
}

/// Keys the chain of a database that is not keyed yet, once, before anything else appends:
/// an empty chain is keyed from its first record; a chain of SHA-256 links gets a marker
/// record, the first keyed link, after them. The head's lock makes one process do it.
pub(crate) async fn key_chain(writer: &AnyPool, key: &ChainKey) -> Result<(), StoreError> {
    let mut tx = writer.begin().await?;
    let head =
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash, keyed_from")
            .fetch_one(&mut *tx)
            .await?;
    let seq: i64 = head.try_get(0)?;
    let hash: String = head.try_get(1)?;
    if head.try_get::<Option<i64>, _>(2)?.is_some() {
        tx.rollback().await?;
        return Ok(());
    }
    if seq == 0 {
        sqlx::query("UPDATE audit_head SET keyed_from = 1, seal = $1 WHERE id = 1")
            .bind(key.seal_head(0, &hash))
            .execute(&mut *tx)
            .await?;
    } else {
        let marker = NewAuditRecord {
            actor: "huimin".into(),
            role: "system".into(),
            action: KEYED_MARKER_ACTION.into(),
            resource: "AuditEvent".into(),
            source_ip: String::new(),
            outcome: "success".into(),
            detail: format!(
                "records 1-{seq} are linked with SHA-256; from this record on every link is \
                 an HMAC-SHA256 under the data key"
            ),
        };
        append_in(&mut tx, key, &[&marker]).await?;
        sqlx::query("UPDATE audit_head SET keyed_from = $1 WHERE id = 1")
            .bind(seq + 1)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::borrow::Cow;

    use huimin_domain::audit::{AuditFacts, GENESIS_HASH, chain_hash};

    use crate::connection::prepare_sqlite_file;
    use crate::{Backend, DataKey, DatabaseTarget, Store};

    #[test]
    fn a_row_has_a_value_for_every_column() {
        assert_eq!(AUDIT_COLUMNS.split(", ").count(), AUDIT_CELLS);
    }

    /// An upgrade: a database whose chain was written with SHA-256 links keeps verifying; the
    /// first start with the key writes the marker after them and keys every later link.
    #[tokio::test]
    async fn a_chain_written_before_links_were_keyed_is_keyed_from_a_marker_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huimin.db");
        prepare_sqlite_file(&path).await.unwrap();
        sqlx::any::install_default_drivers();
        let old = AnyPool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let mut before = crate::migrations::migrator(Backend::Sqlite);
        before.migrations = Cow::Owned(
            before
                .migrations
                .iter()
                .filter(|m| m.version < 23)
                .cloned()
                .collect(),
        );
        before.run(&old).await.unwrap();
        let mut prev = GENESIS_HASH.to_owned();
        for seq in 1..=3 {
            let facts = AuditFacts {
                seq,
                recorded_at_micros: seq,
                actor: "registrar".into(),
                role: "registrar".into(),
                action: "read".into(),
                resource: format!("Patient/{seq}"),
                source_ip: "127.0.0.1".into(),
                outcome: "success".into(),
                detail: String::new(),
            };
            let hash = chain_hash(&prev, &facts.canonical());
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO audit_log ({AUDIT_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            )))
            .bind(seq)
            .bind(facts.recorded_at_micros)
            .bind(facts.actor)
            .bind(facts.role)
            .bind(facts.action)
            .bind(facts.resource)
            .bind(facts.source_ip)
            .bind(facts.outcome)
            .bind(facts.detail)
            .bind(hash.clone())
            .execute(&old)
            .await
            .unwrap();
            prev = hash;
        }
        sqlx::query("UPDATE audit_head SET seq = 3, hash = $1 WHERE id = 1")
            .bind(prev)
            .execute(&old)
            .await
            .unwrap();
        old.close().await;

        let key = DataKey::generate();
        let target = DatabaseTarget::Sqlite { path };
        let store = Store::connect(&target, &key).await.unwrap();
        store.audit(record("after")).await.unwrap();
        let verified = store.check_audit_chain(None).await.unwrap().unwrap();
        assert_eq!((verified.records, verified.keyed_from), (5, 4));
        let marker = store.audit_record(4).await.unwrap().unwrap();
        assert_eq!(marker.facts.action, KEYED_MARKER_ACTION);
        store.close().await;

        // Opened again, the chain is keyed once: no second marker.
        let store = Store::connect(&target, &key).await.unwrap();
        let verified = store.check_audit_chain(None).await.unwrap().unwrap();
        assert_eq!((verified.records, verified.keyed_from), (5, 4));
        // An edited SHA-256-linked record is still found.
        sqlx::query("UPDATE audit_log SET detail = 'x' WHERE seq = 2")
            .execute(&store.writer)
            .await
            .unwrap();
        let broken = store.check_audit_chain(None).await.unwrap().unwrap_err();
        assert_eq!(broken.seq, 2);
        store.close().await;
    }

    fn record(detail: &str) -> NewAuditRecord {
        NewAuditRecord {
            actor: "registrar".into(),
            role: "registrar".into(),
            action: "read".into(),
            resource: "Patient/1".into(),
            source_ip: "127.0.0.1".into(),
            outcome: "success".into(),
            detail: detail.into(),
        }
    }
}
