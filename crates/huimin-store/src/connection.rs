//! The connections to the database: the readers' and the writer's pools, and SQLite's file
//! and per-connection settings.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{AnyPool, ConnectOptions, Connection};

use crate::{Backend, DatabaseTarget, StoreError};

/// The pools of one store, connected and migrated.
pub(crate) struct Connections {
    /// Reads (many connections; WAL readers never wait for the writer).
    pub pool: AnyPool,
    /// Writes: on SQLite one connection, on PostgreSQL the same pool as `pool` (see `Store`).
    pub writer: AnyPool,
    /// What the pools connect with (the PostgreSQL group writer opens its own connections).
    pub options: AnyConnectOptions,
    /// SQLite: the shared lock that keeps a restore from swapping the file while it is open.
    pub lock: Option<crate::backup::OpenLock>,
}

impl Connections {
    /// Connects, creating the SQLite file if needed, and applies pending migrations.
    pub async fn open(target: &DatabaseTarget) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let mut lock = None;
        let (url, max_connections) = match target {
            DatabaseTarget::Sqlite { path } => {
                lock = Some(crate::backup::OpenLock::take(path)?);
                prepare_sqlite_file(path).await?;
                (format!("sqlite://{}", path.display()), 8)
            }
            DatabaseTarget::Postgres { url } => (url.clone(), 16),
        };
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        // sqlx pings a connection each time it leaves the pool. For a server across a network
        // that finds dropped connections; an embedded SQLite file cannot drop, and the ping
        // is one more round trip to the connection's thread on every query.
        let sqlite = target.backend() == Backend::Sqlite;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .test_before_acquire(!sqlite)
            .after_connect(move |conn, _| {
                let tuning = sqlite.then_some(SqliteTuning::Reader);
                Box::pin(async move { tune(conn, tuning).await })
            })
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        crate::migrations::migrator(target.backend())
            .run(&pool)
            .await?;
        let writer = match target.backend() {
            Backend::Sqlite => sqlite_writer(&options).await?,
            Backend::Postgres => pool.clone(),
        };
        Ok(Self {
            pool,
            writer,
            options,
            lock,
        })
    }
}

/// SQLite's one writer connection, kept for the process's life: it holds the page cache and
/// the booking group's prepared statements, which a recycled one would lose.
async fn sqlite_writer(options: &AnyConnectOptions) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move { tune(conn, Some(SqliteTuning::Writer)).await })
        })
        // Writers queue behind whole batches (audit, bookings): be patient.
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options.clone())
        .await
}

/// How a SQLite connection reads pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SqliteTuning {
    /// Through a memory map instead of a system call per page: a reader's page cache starts
    /// cold after every commit of the writer.
    Reader,
    /// Without a map. The one writer's cache is invalidated only when another process
    /// writes the file (a `huimin user` command, say), so it stays warm, and a map only adds
    /// page faults and a remap each time a checkpoint grows the file: about a tenth of a
    /// booking group's time, measured A/B (docs/benchmarks.md).
    Writer,
}

/// `PRAGMA mmap_size` for a connection: 256 MiB, or none.
const fn mmap_size(tuning: SqliteTuning) -> i64 {
    match tuning {
        SqliteTuning::Reader => 268_435_456,
        SqliteTuning::Writer => 0,
    }
}

/// On SQLite, each connection caches 16 MiB of pages (the default is 2 MiB), since a booking
/// group touches index pages all over the file, and maps the file as its tuning says.
async fn tune(
    conn: &mut sqlx::AnyConnection,
    sqlite: Option<SqliteTuning>,
) -> Result<(), sqlx::Error> {
    if let Some(tuning) = sqlite {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA mmap_size = {}",
            mmap_size(tuning)
        )))
        .execute(&mut *conn)
        .await?;
        sqlx::query("PRAGMA cache_size = -16384")
            .execute(&mut *conn)
            .await?;
        // Statement journals (a multi-row update that may fail part-way keeps the pages it
        // changed, to undo just that statement) and temporary tables stay in memory instead of
        // temporary files: in a steady booking run, writing them to a file takes about a
        // twentieth of the writer connection's time, in memory a fiftieth (perf). They only
        // ever undo one statement of an open transaction, so a crash loses nothing the WAL
        // would have kept.
        sqlx::query("PRAGMA temp_store = MEMORY")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Creates the database file and switches it to WAL once: WAL is a persistent property of the
/// file, and the `Any` URL has no parameter for it.
pub(crate) async fn prepare_sqlite_file(path: &std::path::Path) -> Result<(), StoreError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .connect()
        .await?;
    conn.close().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DataKey, DatabaseTarget, Store};

    async fn pragma_of(pool: &AnyPool, pragma: &str) -> i64 {
        use sqlx::Row;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA {pragma}")))
            .fetch_one(pool)
            .await
            .unwrap();
        row.try_get(0).unwrap()
    }

    /// A store on a new SQLite file, with the directory that holds it.
    async fn fresh_sqlite_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let target = DatabaseTarget::Sqlite {
            path: dir.path().join("huimin.db"),
        };
        let store = Store::connect(&target, &DataKey::generate()).await.unwrap();
        (dir, store)
    }

    async fn mmap_size_of(pool: &AnyPool) -> i64 {
        pragma_of(pool, "mmap_size").await
    }

    #[tokio::test]
    async fn the_sqlite_writer_reads_without_a_map_and_readers_through_one() {
        let (_dir, store) = fresh_sqlite_store().await;
        assert_eq!(mmap_size_of(&store.writer).await, 0);
        assert_eq!(
            mmap_size_of(&store.pool).await,
            mmap_size(SqliteTuning::Reader)
        );
        store.close().await;
    }

    /// 2 is MEMORY: statement journals and temporary tables never go to temporary files.
    #[tokio::test]
    async fn sqlite_connections_keep_their_temporary_files_in_memory() {
        let (_dir, store) = fresh_sqlite_store().await;
        assert_eq!(pragma_of(&store.writer, "temp_store").await, 2);
        assert_eq!(pragma_of(&store.pool, "temp_store").await, 2);
        store.close().await;
    }
}
