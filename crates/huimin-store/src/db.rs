//! The store: the handle every layer above uses, opened with the database's data key.

use std::sync::Arc;

use crate::appointments::group_writer::{GroupDatabase, GroupWriter};
use crate::appointments::hint::FullSlots;
use crate::audit::AuditBatcher;
use crate::connection::Connections;
use crate::crypto::{DataKey, FieldCrypto};
use crate::keycheck::{self, KeySource};
use crate::pool::Pool;
use crate::{Backend, DatabaseTarget, StoreError};

/// The handle every other layer uses. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    /// Reads (many connections; WAL readers never wait for the writer).
    pub(crate) pool: Pool,
    /// Writes. On SQLite a pool of one connection: writers queue here, first come first
    /// served, instead of colliding on the database lock and sleeping in SQLite's busy
    /// handler (which made the tail latency of a booking rush seconds long). On PostgreSQL the
    /// same pool as `pool`: row locks let writers run side by side (bookings go through the
    /// group writer's own connections, `appointments::group_writer`).
    pub(crate) writer: Pool,
    pub(crate) backend: Backend,
    pub(crate) crypto: Arc<FieldCrypto>,
    pub(crate) audit: AuditBatcher,
    /// Slots this process has seen full (see `appointments::hint`).
    pub(crate) full_slots: Arc<FullSlots>,
    /// Bookings decided and committed in groups (see `appointments::group_writer`).
    pub(crate) bookings: GroupWriter,
    /// SQLite: held while any clone of the store lives (see `backup`).
    pub(crate) _lock: Option<Arc<crate::backup::OpenLock>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Store {
    /// Connects (creating the SQLite file if needed), applies pending migrations and proves
    /// the data key against the database's key check (see [`keycheck`]).
    pub async fn open(target: &DatabaseTarget, source: &KeySource) -> Result<Self, StoreError> {
        let connections = Connections::open(target).await?;
        let proven = match keycheck::prove(source, &connections).await {
            Ok(key) => {
                let crypto = FieldCrypto::new(&key);
                crate::audit::key_chain(&connections.writer, crypto.chain_key())
                    .await
                    .map(|()| crypto)
            }
            Err(err) => Err(err),
        };
        let crypto = match proven {
            Ok(crypto) => Arc::new(crypto),
            Err(err) => {
                connections.pool.close().await;
                connections.writer.close().await;
                return Err(err);
            }
        };
        let Connections {
            pool,
            writer,
            options,
            lock,
        } = connections;
        let full_slots: Arc<FullSlots> = Arc::default();
        let database = match target.backend() {
            Backend::Sqlite => GroupDatabase::Sqlite(writer.clone()),
            Backend::Postgres => GroupDatabase::Postgres(options),
        };
        let bookings = GroupWriter::start(full_slots.clone(), database, crypto.chain_key().clone());
        // On PostgreSQL readers and writers share one pool: one name for both.
        let (read_name, write_name) = match target.backend() {
            Backend::Sqlite => ("read", "write"),
            Backend::Postgres => ("main", "main"),
        };
        let store = Self {
            pool: Pool::new(pool, read_name),
            writer: Pool::new(writer, write_name),
            backend: target.backend(),
            crypto,
            audit: AuditBatcher::unstarted(),
            full_slots,
            bookings,
            _lock: lock.map(Arc::new),
        };
        Ok(store.with_audit_batcher())
    }

    /// [`Store::open`] with a key given to the process.
    pub async fn connect(target: &DatabaseTarget, key: &DataKey) -> Result<Self, StoreError> {
        Self::open(target, &KeySource::Given(key.clone())).await
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
