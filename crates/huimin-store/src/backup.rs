//! Backups of the embedded SQLite database, and restoring one.
//!
//! A backup is `VACUUM INTO` a new file from one read transaction: a consistent copy of every
//! committed transaction, the ones still in the write-ahead log included (copying `huimin.db`
//! alone misses them), taken while the server keeps writing. It is written beside its
//! destination under a temporary name, its audit chain verified with the key, then renamed,
//! so a backup file under its name is always whole.
//!
//! A restore refuses while any process has the database open (every store holds a shared
//! lock on `<database>-lock`; a restore takes it exclusively), checks that the file is a
//! Huimin database of a migration level this binary knows, opens a copy with the data key
//! (which proves the key, migrates it and verifies its audit chain) and only then swaps it in,
//! keeping the database it replaces aside.
//!
//! PostgreSQL has its own tools (`pg_dump`, base backups with WAL archiving): both commands
//! refuse there and point to `docs/operations.md`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyPool, ConnectOptions, Connection, Row};

use crate::audit::check_chain;
use crate::keycheck::KeySource;
use crate::{Backend, DatabaseTarget, Store, StoreError};

/// What the refusal of a PostgreSQL backup or restore says.
pub const POSTGRES_REFUSAL: &str = "huimin backup and restore work on the embedded SQLite \
    database; back up PostgreSQL with its own tools (pg_dump/pg_restore, or base backups with \
    WAL archiving for point-in-time recovery) as docs/operations.md describes, and keep the \
    data key with it";

/// The tables counted in a backup's summary, in the order shown.
const COUNTED: [&str; 6] = [
    "users",
    "resources",
    "clinic_sessions",
    "appointments",
    "bills",
    "audit_log",
];

/// What a backup (or a restored database) holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    /// The audit chain's head: how many records, and the last link.
    pub audit_records: i64,
    pub audit_head: String,
    /// Rows of the key tables, `(table, rows)`.
    pub counts: Vec<(&'static str, i64)>,
}

/// A restore done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    pub summary: BackupSummary,
    /// Where the database it replaced was kept (none when there was none).
    pub kept_aside: Option<PathBuf>,
}

/// The shared lock every store holds on its SQLite database while open.
#[derive(Debug)]
pub(crate) struct OpenLock(#[allow(dead_code)] Arc<File>);

/// The lock file of a SQLite database: `<file>-lock`, beside SQLite's `-wal` and `-shm`.
fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-lock");
    PathBuf::from(name)
}

fn open_lock_file(database: &Path) -> Result<File, StoreError> {
    if let Some(parent) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    Ok(std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(database))?)
}

impl OpenLock {
    /// Takes the shared lock; refused while a restore holds it.
    pub(crate) fn take(database: &Path) -> Result<Self, StoreError> {
        let file = open_lock_file(database)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(Self(Arc::new(file))),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Refused(format!(
                "{} is being restored; start again once `huimin restore` has finished",
                database.display()
            ))),
            Err(std::fs::TryLockError::Error(err)) => Err(err.into()),
        }
    }
}

fn postgres_refused() -> StoreError {
    StoreError::Refused(POSTGRES_REFUSAL.into())
}

/// `path` with `suffix` appended to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A read-only connection pool on a SQLite file.
async fn read_only(path: &Path) -> Result<AnyPool, StoreError> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
    Ok(sqlx::pool::PoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?)
}

/// The counts and audit head of the database behind `pool`.
async fn summarise(pool: &AnyPool, path: &Path) -> Result<BackupSummary, StoreError> {
    let mut counts = Vec::with_capacity(COUNTED.len());
    for table in COUNTED {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(pool)
            .await?;
        counts.push((table, row.try_get(0)?));
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok(BackupSummary {
        path: path.to_owned(),
        bytes: std::fs::metadata(path)?.len(),
        audit_records: head.try_get(0)?,
        audit_head: head.try_get(1)?,
        counts,
    })
}

/// Flushes a file, and the directory that names it, to disk.
fn sync(path: &Path) -> Result<(), StoreError> {
    File::open(path)?.sync_all()?;
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
        _ => Ok(()),
    }
}

impl Store {
    /// Writes a consistent copy of the database to `to` (refused when it exists, unless
    /// `overwrite`), verified before it gets its name.
    pub async fn back_up_to(
        &self,
        to: &Path,
        overwrite: bool,
    ) -> Result<BackupSummary, StoreError> {
        if self.backend == Backend::Postgres {
            return Err(postgres_refused());
        }
        if to.exists() && !overwrite {
            return Err(StoreError::Refused(format!(
                "{} exists; choose another file or add --force to replace it",
                to.display()
            )));
        }
        let partial = with_suffix(to, &format!(".partial-{}", std::process::id()));
        remove_if_present(&partial)?;
        let written = self.write_verified_copy(&partial).await;
        let summary = match written {
            Ok(summary) => summary,
            Err(err) => {
                remove_if_present(&partial)?;
                return Err(err);
            }
        };
        sync(&partial)?;
        std::fs::rename(&partial, to)?;
        sync(to)?;
        Ok(BackupSummary {
            path: to.to_owned(),
            ..summary
        })
    }

    async fn write_verified_copy(&self, partial: &Path) -> Result<BackupSummary, StoreError> {
        let name = partial.to_str().ok_or_else(|| {
            StoreError::Refused(format!("{} is not a UTF-8 path", partial.display()))
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(name.to_owned())
            .execute(&self.pool)
            .await?;
        let copy = read_only(partial).await?;
        let checked = async {
            if let Err(broken) = check_chain(&copy, self.chain_key(), None).await? {
                return Err(StoreError::Refused(format!(
                    "the database's own {broken}; no backup written (run `huimin audit verify`)"
                )));
            }
            summarise(&copy, partial).await
        }
        .await;
        copy.close().await;
        checked
    }
}

/// The migration versions this binary knows.
fn known_versions() -> Vec<i64> {
    crate::migrations::migrator(Backend::Sqlite)
        .migrations
        .iter()
        .map(|m| m.version)
        .collect()
}

/// Refuses a file that is not a Huimin database of a migration level this binary knows.
async fn check_is_huimin(from: &Path) -> Result<(), StoreError> {
    let not_huimin = || {
        StoreError::Refused(format!(
            "{} is not a Huimin database (no migration history)",
            from.display()
        ))
    };
    let pool = read_only(from).await.map_err(|_| not_huimin())?;
    let rows = sqlx::query("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
        .fetch_all(&pool)
        .await;
    pool.close().await;
    let versions: Vec<i64> = rows
        .map_err(|_| not_huimin())?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let known = known_versions();
    if !versions.contains(&1) {
        return Err(not_huimin());
    }
    if let Some(newer) = versions.iter().find(|v| !known.contains(v)) {
        return Err(StoreError::Refused(format!(
            "{} was written by a newer Huimin (migration {newer}); restore it with that version",
            from.display()
        )));
    }
    Ok(())
}

/// Restores the database of `target` from the backup `from`, once no process has it open,
/// the file is a Huimin database and opens with `key` with its audit chain intact.
pub async fn restore(
    target: &DatabaseTarget,
    key: &KeySource,
    from: &Path,
) -> Result<Restored, StoreError> {
    let DatabaseTarget::Sqlite { path: live } = target else {
        return Err(postgres_refused());
    };
    if !from.is_file() {
        return Err(StoreError::Refused(format!(
            "{} is not a file",
            from.display()
        )));
    }
    if let (Ok(a), Ok(b)) = (from.canonicalize(), live.canonicalize())
        && a == b
    {
        return Err(StoreError::Refused(
            "the backup is the database itself".into(),
        ));
    }
    let lock = open_lock_file(live)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(StoreError::Refused(format!(
                "{} is open in a running server or another huimin command; stop it first",
                live.display()
            )));
        }
        Err(std::fs::TryLockError::Error(err)) => return Err(err.into()),
    }
    check_is_huimin(from).await?;

    let staging = with_suffix(live, ".restoring");
    for suffix in ["", "-wal", "-shm", "-lock"] {
        remove_if_present(&with_suffix(&staging, suffix))?;
    }
    std::fs::copy(from, &staging)?;
    let summary = match verify_staged(&staging, key).await {
        Ok(summary) => summary,
        Err(err) => {
            for suffix in ["", "-wal", "-shm", "-lock"] {
                remove_if_present(&with_suffix(&staging, suffix))?;
            }
            return Err(err);
        }
    };

    let kept_aside = live.exists().then(|| {
        with_suffix(
            live,
            &format!(".before-restore-{}", crate::now_micros() / 1_000_000),
        )
    });
    for suffix in ["", "-wal", "-shm"] {
        let old = with_suffix(live, suffix);
        if let Some(aside) = &kept_aside
            && old.exists()
        {
            std::fs::rename(&old, with_suffix(aside, suffix))?;
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let staged = with_suffix(&staging, suffix);
        if staged.exists() {
            std::fs::rename(&staged, with_suffix(live, suffix))?;
        }
    }
    remove_if_present(&with_suffix(&staging, "-lock"))?;
    sync(live)?;
    drop(lock);
    Ok(Restored {
        summary: BackupSummary {
            path: live.clone(),
            ..summary
        },
        kept_aside,
    })
}

/// Opens the staged copy with the key (proving it, migrating the copy, keying an older chain)
/// and verifies its audit chain.
async fn verify_staged(staging: &Path, key: &KeySource) -> Result<BackupSummary, StoreError> {
    let target = DatabaseTarget::Sqlite {
        path: staging.to_owned(),
    };
    let store = Store::open(&target, key).await?;
    let checked = async {
        if let Err(broken) = store.check_audit_chain(None).await? {
            return Err(StoreError::Refused(format!(
                "the backup's {broken}; nothing restored"
            )));
        }
        summarise(&store.pool, staging).await
    }
    .await;
    store.close().await;
    // The connections are closed: the file alone holds everything (SQLite folds the WAL back
    // in when its last connection closes).
    if let Ok(mut conn) = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(staging)
        .connect()
        .await
    {
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
    }
    let mut summary = checked?;
    summary.bytes = std::fs::metadata(staging)?.len();
    Ok(summary)
}
