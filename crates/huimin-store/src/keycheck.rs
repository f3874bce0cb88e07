//! One data key per database.
//!
//! The database keeps a key check (the setting `data-key-check`): an HMAC of a fixed label
//! under the data key, which proves a key without revealing it. A store whose key does not
//! reproduce it refuses to open: with another key the sealed records do not open, the blind
//! index does not find the identities already registered (one person could register twice),
//! and the access tokens it signs are refused by the servers that have the right key.
//!
//! A database written before the check existed gets it at its first start, once the key has
//! opened one of its sealed records (or at once when it holds none). A new key is made only
//! for a database that holds no data yet.

use std::fmt;
use std::path::{Path, PathBuf};

use sqlx::{AnyPool, Row};

use crate::StoreError;
use crate::connection::Connections;
use crate::crypto::{DataKey, FieldCrypto};

/// The setting that holds the key check.
const CHECK_SETTING: &str = "data-key-check";

/// Where a store's data key comes from.
#[derive(Clone, Debug)]
pub enum KeySource {
    /// A key given to the process (`HUIMIN_DATA_KEY` or `--data-key`).
    Given(DataKey),
    /// A key file (`<data-dir>/data.key`), created with a new key when it does not exist and
    /// the database holds no data yet.
    File(PathBuf),
}

/// Why a data key was refused. The messages name the fix, since an operator reads them at
/// start-up.
#[derive(Debug, thiserror::Error)]
pub enum KeyCheckError {
    #[error(
        "the database already holds data but its data key file {} is missing; restore the \
         data.key backed up with this database (or give that key in HUIMIN_DATA_KEY or \
         --data-key). Refusing to make a new key: it could not read the data already stored",
        path.display()
    )]
    MissingKeyFile { path: PathBuf },
    #[error(
        "the data key from {origin} is not the key this database was written with; start with \
         the key that wrote it (the HUIMIN_DATA_KEY of the other servers on this database, or \
         the data.key backed up with it). Refusing to start: with another key sealed records do \
         not open and registered identities are not found"
    )]
    WrongKey { origin: KeyOrigin },
}

/// Where the key that was refused came from, as an operator names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    /// `HUIMIN_DATA_KEY` or `--data-key`.
    Given,
    File(PathBuf),
}

impl fmt::Display for KeyOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Given => f.write_str("HUIMIN_DATA_KEY (--data-key)"),
            Self::File(path) => write!(f, "the key file {}", path.display()),
        }
    }
}

/// The data key of the database behind `connections`, proven against its key check (which is
/// written when there is none yet).
pub(crate) async fn prove(
    source: &KeySource,
    connections: &Connections,
) -> Result<DataKey, StoreError> {
    let (key, origin) = match source {
        KeySource::Given(key) => (key.clone(), KeyOrigin::Given),
        KeySource::File(path) => (
            key_from_file(path, &connections.pool).await?,
            KeyOrigin::File(path.clone()),
        ),
    };
    let wrong = || KeyCheckError::WrongKey {
        origin: origin.clone(),
    };
    let expected = check_of(&key);
    if let Some(stored) = stored_check(&connections.pool).await? {
        return if stored == expected {
            Ok(key)
        } else {
            Err(wrong().into())
        };
    }
    if !opens_a_sealed_row(&key, &connections.pool).await? {
        return Err(wrong().into());
    }
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(CHECK_SETTING)
        .bind(&expected)
        .execute(&connections.writer)
        .await?;
    // Another process may have written its check first: whichever was written is the one.
    match stored_check(&connections.writer).await? {
        Some(stored) if stored == expected => Ok(key),
        _ => Err(wrong().into()),
    }
}

/// The key check of `key`: hex HMAC of a fixed label, derived like the other sub-keys.
fn check_of(key: &DataKey) -> String {
    crate::crypto::hex(&key.derive(b"huimin/v1/key-check"))
}

async fn stored_check(pool: &AnyPool) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(CHECK_SETTING)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Whether `key` opens a sealed record of a database without a key check (`true` when there
/// is none to open).
async fn opens_a_sealed_row(key: &DataKey, pool: &AnyPool) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT content FROM resources WHERE substr(content, 1, 5) = $1 LIMIT 1")
        .bind(crate::crypto::SEALED_PREFIX)
        .fetch_optional(pool)
        .await?;
    let Some(row) = row else {
        return Ok(true);
    };
    let sealed: String = row.try_get(0)?;
    Ok(FieldCrypto::new(key).open(&sealed).is_ok())
}

/// The key file's key; a new one only while the database holds no data.
async fn key_from_file(path: &Path, pool: &AnyPool) -> Result<DataKey, StoreError> {
    if let Some(key) = DataKey::load(path)? {
        return Ok(key);
    }
    if holds_data(pool).await? {
        return Err(KeyCheckError::MissingKeyFile {
            path: path.to_owned(),
        }
        .into());
    }
    DataKey::create(path)
}

/// Whether the database holds anything written under a data key: a key check, resources,
/// accounts or audit records.
async fn holds_data(pool: &AnyPool) -> Result<bool, StoreError> {
    if stored_check(pool).await?.is_some() {
        return Ok(true);
    }
    for table in ["resources", "users", "audit_log"] {
        let any = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT 1 FROM {table} LIMIT 1"
        )))
        .fetch_optional(pool)
        .await?;
        if any.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DatabaseTarget, Store};

    struct Dir {
        dir: tempfile::TempDir,
    }

    impl Dir {
        fn new() -> Self {
            Self {
                dir: tempfile::tempdir().unwrap(),
            }
        }
        fn target(&self) -> DatabaseTarget {
            DatabaseTarget::Sqlite {
                path: self.dir.path().join("huimin.db"),
            }
        }
        fn key_file(&self) -> PathBuf {
            self.dir.path().join("data.key")
        }
        async fn open(&self, source: &KeySource) -> Result<Store, StoreError> {
            Store::open(&self.target(), source).await
        }
        async fn open_file(&self) -> Result<Store, StoreError> {
            self.open(&KeySource::File(self.key_file())).await
        }
    }

    /// A Patient sealed under the store's key, as the server writes one.
    async fn write_sealed_row(store: &Store) {
        sqlx::query(
            "INSERT INTO resources (resource_type, id, version_id, last_updated, content) \
             VALUES ('Patient', 'p1', 1, 0, $1)",
        )
        .bind(store.crypto.seal(r#"{"resourceType":"Patient"}"#))
        .execute(&store.writer)
        .await
        .unwrap();
    }

    /// The database as the release before the key check left it: the same schema, no check.
    async fn forget_the_check(store: &Store) {
        assert!(store.delete_setting(CHECK_SETTING).await.unwrap());
    }

    fn refusal(result: Result<Store, StoreError>) -> KeyCheckError {
        match result {
            Err(StoreError::KeyCheck(err)) => err,
            Err(other) => panic!("refused for another reason: {other}"),
            Ok(_) => panic!("opened with a key that is not the database's"),
        }
    }

    #[tokio::test]
    async fn a_new_database_gets_a_key_file_and_its_check_and_opens_again_with_them() {
        let dir = Dir::new();
        let store = dir.open_file().await.unwrap();
        let key = DataKey::load(&dir.key_file()).unwrap().unwrap();
        assert_eq!(
            stored_check(&store.pool).await.unwrap(),
            Some(check_of(&key))
        );
        store.close().await;
        dir.open_file().await.unwrap().close().await;
        dir.open(&KeySource::Given(key))
            .await
            .unwrap()
            .close()
            .await;
    }

    #[tokio::test]
    async fn another_key_is_refused_whether_given_or_in_the_key_file() {
        let dir = Dir::new();
        dir.open_file().await.unwrap().close().await;
        let err = refusal(dir.open(&KeySource::Given(DataKey::generate())).await);
        assert!(matches!(
            err,
            KeyCheckError::WrongKey {
                origin: KeyOrigin::Given
            }
        ));
        assert!(err.to_string().contains("HUIMIN_DATA_KEY"), "{err}");

        std::fs::remove_file(dir.key_file()).unwrap();
        std::fs::write(dir.key_file(), DataKey::generate().to_base64()).unwrap();
        let err = refusal(dir.open_file().await);
        assert!(
            err.to_string()
                .contains(&dir.key_file().display().to_string()),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_database_with_data_but_no_key_file_is_refused_and_no_key_is_made() {
        let dir = Dir::new();
        let store = dir.open_file().await.unwrap();
        write_sealed_row(&store).await;
        store.close().await;
        std::fs::remove_file(dir.key_file()).unwrap();
        let err = refusal(dir.open_file().await);
        assert!(matches!(err, KeyCheckError::MissingKeyFile { .. }));
        assert!(err.to_string().contains("data.key"), "{err}");
        assert!(!dir.key_file().exists(), "no new key was made");
    }

    /// Even without a check (an older database) any account, resource or audit record means
    /// the database holds data written under some key.
    #[tokio::test]
    async fn an_older_database_with_data_but_no_key_file_is_refused() {
        let dir = Dir::new();
        let store = dir.open_file().await.unwrap();
        sqlx::query(
            "INSERT INTO users (id, username, password_hash, role, display_name, created_at, \
             updated_at) VALUES ('u1', 'admin', 'x', 'admin', '', 0, 0)",
        )
        .execute(&store.writer)
        .await
        .unwrap();
        forget_the_check(&store).await;
        store.close().await;
        std::fs::remove_file(dir.key_file()).unwrap();
        let err = refusal(dir.open_file().await);
        assert!(matches!(err, KeyCheckError::MissingKeyFile { .. }));
    }

    #[tokio::test]
    async fn a_migrated_database_without_data_gets_a_new_key() {
        let dir = Dir::new();
        let store = dir.open_file().await.unwrap();
        forget_the_check(&store).await;
        store.close().await;
        std::fs::remove_file(dir.key_file()).unwrap();
        dir.open_file().await.unwrap().close().await;
        assert!(dir.key_file().exists());
    }

    /// An upgrade: a database the previous release wrote (sealed records, no check) opens with
    /// its key, which then gets its check; another key is refused before and after.
    #[tokio::test]
    async fn an_older_database_proves_its_key_by_opening_a_sealed_record() {
        let dir = Dir::new();
        let key = DataKey::generate();
        let store = dir.open(&KeySource::Given(key.clone())).await.unwrap();
        write_sealed_row(&store).await;
        forget_the_check(&store).await;
        store.close().await;

        let err = refusal(dir.open(&KeySource::Given(DataKey::generate())).await);
        assert!(matches!(err, KeyCheckError::WrongKey { .. }));
        let store = dir.open(&KeySource::Given(key.clone())).await.unwrap();
        assert_eq!(
            stored_check(&store.pool).await.unwrap(),
            Some(check_of(&key)),
            "the check is written once the key is proven"
        );
        let patient = store.read_resource("Patient", "p1").await.unwrap().unwrap();
        assert_eq!(patient.content["resourceType"], "Patient");
        store.close().await;
        refusal(dir.open(&KeySource::Given(DataKey::generate())).await);
    }

    /// An older database with no sealed record cannot prove a key: the first key to open it
    /// writes the check, and others are refused from then on.
    #[tokio::test]
    async fn an_older_database_without_sealed_records_takes_the_first_key() {
        let dir = Dir::new();
        let store = dir
            .open(&KeySource::Given(DataKey::generate()))
            .await
            .unwrap();
        forget_the_check(&store).await;
        store.close().await;
        let key = DataKey::generate();
        dir.open(&KeySource::Given(key.clone()))
            .await
            .unwrap()
            .close()
            .await;
        refusal(dir.open(&KeySource::Given(DataKey::generate())).await);
        dir.open(&KeySource::Given(key))
            .await
            .unwrap()
            .close()
            .await;
    }

    #[test]
    fn the_check_depends_on_the_key_and_does_not_reveal_it() {
        let key = DataKey::generate();
        assert_eq!(check_of(&key), check_of(&key.clone()));
        assert_ne!(check_of(&key), check_of(&DataKey::generate()));
        assert_eq!(check_of(&key).len(), 64);
        assert!(!check_of(&key).contains(&key.to_base64()));
    }
}
