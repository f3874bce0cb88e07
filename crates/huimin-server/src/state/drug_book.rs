//! The drug tables in memory: the formulary (indexed for search), the interaction table and
//! the allergen groups (`huimin_domain::prescriptions`). Each is the newest version imported
//! into the store, or the shipped seed while none was. Like the ICD-10 table
//! ([`super::codes`]), a process compares the stored versions with its own at most every
//! [`CHECK_EVERY`] and rebuilds when they differ.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use huimin_domain::prescriptions::{
    Allergens, Formulary, Interactions, parse_allergens, parse_formulary, parse_interactions,
};
use huimin_store::{Store, StoreError};
use tokio::sync::Mutex as AsyncMutex;

use super::codes::CHECK_EVERY;

/// The tables' names in the store.
pub const FORMULARY: &str = "formulary";
pub const INTERACTIONS: &str = "interactions";
pub const ALLERGENS: &str = "allergens";

/// One version of each table, parsed.
pub struct DrugTables {
    /// (formulary, interactions, allergens) versions; 0: the shipped seed.
    pub versions: [i64; 3],
    pub formulary: Formulary,
    pub interactions: Interactions,
    pub allergens: Allergens,
}

/// The process's tables and when their versions were last compared with the store's.
#[derive(Default)]
pub struct DrugBook {
    current: RwLock<Option<Arc<DrugTables>>>,
    checked: Mutex<Option<Instant>>,
    rebuilding: AsyncMutex<()>,
}

async fn versions(store: &Store) -> Result<[i64; 3], StoreError> {
    Ok([
        store.reference_table_version(FORMULARY).await?,
        store.reference_table_version(INTERACTIONS).await?,
        store.reference_table_version(ALLERGENS).await?,
    ])
}

/// A stored table's text, or the seed's.
async fn text(store: &Store, name: &str, seed: &str) -> Result<String, StoreError> {
    Ok(store
        .reference_table(name)
        .await?
        .map_or_else(|| seed.to_owned(), |t| t.content))
}

fn corrupt(name: &str) -> impl Fn(Vec<huimin_domain::csv_table::LineIssue>) -> StoreError + '_ {
    move |issues| {
        StoreError::Corrupt(format!(
            "the stored {name} table does not parse: {}",
            issues.first().map_or("", |i| i.message.en.as_str())
        ))
    }
}

impl DrugBook {
    /// The tables, rebuilt first if the stored ones are newer (checked at most every
    /// [`CHECK_EVERY`]).
    pub async fn tables(&self, store: &Store) -> Result<Arc<DrugTables>, StoreError> {
        let fresh = self
            .checked
            .lock()
            .map(|c| c.is_some_and(|at| at.elapsed() < CHECK_EVERY))
            .unwrap_or(false);
        let have = self.snapshot();
        if let Some(have) = &have
            && fresh
        {
            return Ok(have.clone());
        }
        let stored = versions(store).await?;
        self.mark_checked();
        match have {
            Some(have) if have.versions == stored => Ok(have),
            _ => self.rebuild(store).await,
        }
    }

    fn snapshot(&self) -> Option<Arc<DrugTables>> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reads and parses the stored tables (off the async threads), unless another caller
    /// just did.
    pub async fn rebuild(&self, store: &Store) -> Result<Arc<DrugTables>, StoreError> {
        use huimin_domain::prescriptions::{allergens, formulary, interactions};
        let _one = self.rebuilding.lock().await;
        let stored = versions(store).await?;
        if let Some(have) = self.snapshot()
            && have.versions == stored
        {
            return Ok(have);
        }
        let texts = (
            text(store, FORMULARY, formulary::SEED).await?,
            text(store, INTERACTIONS, interactions::SEED).await?,
            text(store, ALLERGENS, allergens::SEED).await?,
        );
        let built = tokio::task::spawn_blocking(move || -> Result<DrugTables, StoreError> {
            Ok(DrugTables {
                versions: stored,
                formulary: Formulary::new(parse_formulary(&texts.0).map_err(corrupt(FORMULARY))?),
                interactions: parse_interactions(&texts.1).map_err(corrupt(INTERACTIONS))?,
                allergens: parse_allergens(&texts.2).map_err(corrupt(ALLERGENS))?,
            })
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("building the drug tables: {e}")))??;
        let built = Arc::new(built);
        match self.current.write() {
            Ok(mut current) => *current = Some(built.clone()),
            Err(poisoned) => *poisoned.into_inner() = Some(built.clone()),
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
