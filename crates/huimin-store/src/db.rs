use std::borrow::Cow;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{AnyPool, ConnectOptions, Connection};

use crate::StoreError;
use crate::appointments::group_writer::{GroupDatabase, GroupWriter};
use crate::appointments::hint::FullSlots;
use crate::audit::AuditBatcher;
use crate::crypto::{DataKey, FieldCrypto};

/// Where the data lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// The embedded default: one SQLite file in WAL mode.
    Sqlite { path: PathBuf },
    /// Production and multi-server deployments.
    Postgres { url: String },
}

impl DatabaseTarget {
    /// `postgres://` and `postgresql://` URLs select PostgreSQL; `sqlite:` URLs name a file.
    pub fn from_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres {
                url: url.to_owned(),
            }
        } else {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            Self::Sqlite {
                path: PathBuf::from(path),
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite { .. } => Backend::Sqlite,
            Self::Postgres { .. } => Backend::Postgres,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The handle every other layer uses. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    /// Reads (many connections; WAL readers never wait for the writer).
    pub(crate) pool: AnyPool,
    /// Writes. On SQLite a pool of one connection: writers queue here, first come first
    /// served, instead of colliding on the database lock and sleeping in SQLite's busy
    /// handler (which made the tail latency of a booking rush seconds long). On PostgreSQL the
    /// same pool as `pool`: row locks let writers run side by side (bookings go through the
    /// group writer's own connections, `appointments::queue`).
    pub(crate) writer: AnyPool,
    pub(crate) backend: Backend,
    pub(crate) crypto: Arc<FieldCrypto>,
    pub(crate) audit: AuditBatcher,
    /// Slots this process has seen full (see `appointments::hint`).
    pub(crate) full_slots: Arc<FullSlots>,
    /// Bookings decided and committed in groups (see `appointments::queue`).
    pub(crate) bookings: GroupWriter,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (
        2,
        "appointments",
        include_str!("../migrations/0002_appointments.sql"),
    ),
    (3, "rosters", include_str!("../migrations/0003_rosters.sql")),
    (
        4,
        "notifications",
        include_str!("../migrations/0004_notifications.sql"),
    ),
    (
        5,
        "extra slots",
        include_str!("../migrations/0005_extra_slots.sql"),
    ),
    (
        6,
        "waitlist",
        include_str!("../migrations/0006_waitlist.sql"),
    ),
    (
        7,
        "waitlist offers",
        include_str!("../migrations/0007_waitlist_offers.sql"),
    ),
    (
        8,
        "find index",
        include_str!("../migrations/0008_find_index.sql"),
    ),
    (
        9,
        "payments",
        include_str!("../migrations/0009_payments.sql"),
    ),
    (
        10,
        "calling",
        include_str!("../migrations/0010_calling.sql"),
    ),
    (
        11,
        "patient facts index",
        include_str!("../migrations/0011_patient_facts_index.sql"),
    ),
    (
        12,
        "hot counters",
        include_str!("../migrations/0012_hot_counters.sql"),
    ),
    (
        13,
        "patient facts row",
        include_str!("../migrations/0013_patient_facts_row.sql"),
    ),
];

/// Migrations whose PostgreSQL text differs (`NNNN_name.postgres.sql`): storage settings
/// SQLite does not have. The version and description stay those of [`MIGRATIONS`].
const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[(
    12,
    include_str!("../migrations/0012_hot_counters.postgres.sql"),
)];

fn migrator(backend: Backend) -> Migrator {
    let migrations: Vec<Migration> = MIGRATIONS
        .iter()
        .map(|(version, description, sql)| {
            let postgres = POSTGRES_MIGRATIONS
                .iter()
                .find(|(v, _)| v == version)
                .map(|(_, sql)| sql);
            let sql = match (backend, postgres) {
                (Backend::Postgres, Some(postgres)) => postgres,
                _ => sql,
            };
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                sqlx::SqlStr::from_static(sql),
                false,
            )
        })
        .collect();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

impl Store {
    /// Connects, creating the SQLite file if needed, and applies pending migrations.
    pub async fn connect(target: &DatabaseTarget, key: &DataKey) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, max_connections) = match target {
            DatabaseTarget::Sqlite { path } => {
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
        migrator(target.backend()).run(&pool).await?;
        let writer = match target {
            DatabaseTarget::Sqlite { .. } => {
                // One connection for the process's life: it holds the page cache and the
                // booking group's prepared statements, which a recycled one would lose.
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
                    .await?
            }
            DatabaseTarget::Postgres { .. } => pool.clone(),
        };
        let full_slots: Arc<FullSlots> = Arc::default();
        let database = match target.backend() {
            Backend::Sqlite => GroupDatabase::Sqlite(writer.clone()),
            Backend::Postgres => GroupDatabase::Postgres(options),
        };
        let bookings = GroupWriter::start(full_slots.clone(), database);
        let store = Self {
            pool,
            writer,
            backend: target.backend(),
            crypto: Arc::new(FieldCrypto::new(key)),
            audit: AuditBatcher::unstarted(),
            full_slots,
            bookings,
        };
        Ok(store.with_audit_batcher())
    }

    /// The keyed blind-index token of a sensitive value (for equality lookups of values that
    /// must not be stored in clear, such as phone-number user names).
    pub fn blind(&self, value: &str) -> String {
        self.crypto.blind_index(value)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// See [`FieldCrypto::token_signing_key`].
    pub fn token_signing_key(&self) -> [u8; 32] {
        self.crypto.token_signing_key()
    }

    /// See [`FieldCrypto::site_code`].
    pub fn site_code(&self, place: &str, window: i64) -> String {
        self.crypto.site_code(place, window)
    }

    /// Closes the connections. Nothing is queued unwritten: every audit append is awaited by
    /// its caller.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
        self.bookings.close().await;
    }

    /// `true` when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// How a SQLite connection reads pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SqliteTuning {
    /// Through a memory map instead of a system call per page: a reader's page cache starts
    /// cold after every commit of the writer.
    Reader,
    /// Without a map. The one writer's cache is invalidated only when another process
    /// writes the file (a `huimin user` command, say), so it stays warm, and a map only added page faults and a remap each time a
    /// checkpoint grew the file: about a tenth of a booking group's time (measured A/B,
    /// docs/benchmarks.md, session 9).
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
        // temporary files: in a steady booking run, writing them to a file took about a
        // twentieth of the writer connection's time, in memory a fiftieth (perf, session 15). They only ever undo one statement of an open
        // transaction, so a crash loses nothing the WAL would have kept.
        sqlx::query("PRAGMA temp_store = MEMORY")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Creates the database file and switches it to WAL once: WAL is a persistent property of the
/// file, and the `Any` URL has no parameter for it.
async fn prepare_sqlite_file(path: &std::path::Path) -> Result<(), StoreError> {
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

    /// Every file in `migrations/` is embedded, in order: a migration added on disk but not
    /// listed here would silently never run.
    #[test]
    fn every_migration_file_is_embedded_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let (postgres, files): (Vec<String>, Vec<String>) = files
            .into_iter()
            .partition(|n| n.ends_with(".postgres.sql"));
        assert_eq!(postgres.len(), POSTGRES_MIGRATIONS.len(), "{postgres:?}");
        for (file, (version, sql)) in postgres.iter().zip(POSTGRES_MIGRATIONS) {
            assert!(
                file.starts_with(&format!("{version:04}_")),
                "{file} is not version {version}"
            );
            assert!(MIGRATIONS.iter().any(|(v, _, _)| v == version), "{file}");
            let on_disk = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
            assert_eq!(&on_disk, sql, "{file}");
        }
        assert_eq!(files.len(), MIGRATIONS.len(), "{files:?}");
        for (file, (version, _, sql)) in files.iter().zip(MIGRATIONS) {
            assert!(
                file.starts_with(&format!("{version:04}_")),
                "{file} is not version {version}"
            );
            let on_disk = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
            assert_eq!(&on_disk, sql, "{file}");
        }
    }

    /// An upgrade: a database made by the migrations before 13, already holding Patients,
    /// gains their booking facts when a newer server connects and migrates it (the fill
    /// statement itself is tested on both databases by the API tests).
    #[tokio::test]
    async fn an_upgrade_fills_the_booking_facts_of_the_patients_already_stored() {
        use sqlx::Row;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huimin.db");
        prepare_sqlite_file(&path).await.unwrap();
        sqlx::any::install_default_drivers();
        let old = AnyPool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let mut before = migrator(Backend::Sqlite);
        before.migrations = Cow::Owned(
            before
                .migrations
                .iter()
                .filter(|m| m.version < 13)
                .cloned()
                .collect(),
        );
        before.run(&old).await.unwrap();
        for statement in [
            "INSERT INTO resources (resource_type, id, version_id, last_updated, content) \
             VALUES ('Patient', 'elder', 1, 0, '{}'), ('Patient', 'anonymous', 1, 0, '{}'), \
                    ('Practitioner', 'doctor', 1, 0, '{}')",
            "INSERT INTO unique_identifiers (resource_type, system, value_hash, id) \
             VALUES ('Patient', 'urn:huimin:sid:cn-resident-id', 'h1', 'elder')",
            "INSERT INTO search_tokens (resource_type, id, param, value) \
             VALUES ('Patient', 'elder', 'birthdate', '1940-05-05'), \
                    ('Patient', 'anonymous', 'birthdate', '1990-01-02'), \
                    ('Patient', 'anonymous', 'family', 'x')",
            // A patient who booked before the upgrade already has a lock row.
            "INSERT INTO patient_booking_locks (patient_id, version) VALUES ('elder', 7)",
        ] {
            sqlx::query(statement).execute(&old).await.unwrap();
        }
        old.close().await;

        let store = Store::connect(&DatabaseTarget::Sqlite { path }, &DataKey::generate())
            .await
            .unwrap();
        let rows = sqlx::query(
            "SELECT patient_id, version, verified, birth_date FROM patient_booking_locks \
             ORDER BY patient_id",
        )
        .fetch_all(&store.pool)
        .await
        .unwrap();
        let facts: Vec<(String, i64, Option<i64>, Option<String>)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect();
        assert_eq!(
            facts,
            [
                ("anonymous".into(), 1, Some(0), Some("1990-01-02".into())),
                ("elder".into(), 7, Some(1), Some("1940-05-05".into())),
            ]
        );
        store.close().await;
    }

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
