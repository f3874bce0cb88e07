//! The ICD-10 table, indexed in memory for search (`huimin_domain::records::Icd10Index`).
//!
//! Built at start-up from the store and kept: a search reads no database rows. The table
//! is replaced by imports, possibly from another process (`huimin codes import-icd10`), so a
//! process compares the stored version with its own at most every [`CHECK_EVERY`] and
//! rebuilds when they differ; an import through this process rebuilds at once. While a
//! rebuild runs, searches keep using the index they have.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use huimin_domain::records::Icd10Index;
use huimin_store::{Store, StoreError};
use tokio::sync::Mutex as AsyncMutex;

/// How long a process trusts its index without asking the database for the version.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

/// One version of the table, indexed.
pub struct IndexedTable {
    pub version: i64,
    pub index: Icd10Index,
}

/// The process's index and when its version was last compared with the store's.
pub struct CodeBook {
    current: RwLock<Arc<IndexedTable>>,
    checked: Mutex<Option<Instant>>,
    /// One rebuild at a time.
    rebuilding: AsyncMutex<()>,
}

impl Default for CodeBook {
    fn default() -> Self {
        CodeBook {
            current: RwLock::new(Arc::new(IndexedTable {
                version: -1,
                index: Icd10Index::new(Vec::new()),
            })),
            checked: Mutex::new(None),
            rebuilding: AsyncMutex::new(()),
        }
    }
}

impl CodeBook {
    /// The index, rebuilt first if the stored table is newer than it (checked at most every
    /// [`CHECK_EVERY`]).
    pub async fn icd10(&self, store: &Store) -> Result<Arc<IndexedTable>, StoreError> {
        let fresh = self
            .checked
            .lock()
            .map(|c| c.is_some_and(|at| at.elapsed() < CHECK_EVERY))
            .unwrap_or(false);
        let have = self.snapshot();
        if fresh {
            return Ok(have);
        }
        let stored = store.icd10_version().await?;
        self.mark_checked();
        if stored == have.version {
            return Ok(have);
        }
        self.rebuild(store).await
    }

    /// The index as it is, without a version check.
    pub fn snapshot(&self) -> Arc<IndexedTable> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reads the stored table and indexes it (off the async threads: 40,000 names take a
    /// while), unless another caller just did.
    pub async fn rebuild(&self, store: &Store) -> Result<Arc<IndexedTable>, StoreError> {
        let _one = self.rebuilding.lock().await;
        let stored = store.icd10_version().await?;
        let have = self.snapshot();
        if stored == have.version {
            return Ok(have);
        }
        let table = store.icd10_table().await?;
        let built = tokio::task::spawn_blocking(move || IndexedTable {
            version: table.version,
            index: Icd10Index::new(table.entries),
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("building the ICD-10 index: {e}")))?;
        let built = Arc::new(built);
        match self.current.write() {
            Ok(mut current) => *current = built.clone(),
            Err(poisoned) => *poisoned.into_inner() = built.clone(),
        }
        self.mark_checked();
        Ok(built)
    }

    fn mark_checked(&self) {
        if let Ok(mut checked) = self.checked.lock() {
            *checked = Some(Instant::now());
        }
    }
}
