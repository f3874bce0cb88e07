//! Doctors' signing keys: public keys by key id, private keys sealed with the data key.

use sqlx::Row;

use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningKeyRecord {
    pub key_id: String,
    pub practitioner_id: String,
    /// Base64 of the 32-byte public key.
    pub public_key: String,
    pub created_at: i64,
}

impl Store {
    /// Keeps a new key of a practitioner; `private_key` is sealed before it is stored. When
    /// the practitioner got one meanwhile, theirs is kept and this one dropped: the current
    /// key is returned either way.
    pub async fn add_signing_key(
        &self,
        key: &SigningKeyRecord,
        private_key: &str,
    ) -> Result<SigningKeyRecord, StoreError> {
        let mut tx = self.writer.begin().await?;
        // The practitioner's row in `users` would serialise two first signatures; the key
        // table takes that lock itself: a write first (SQLite), then the check.
        sqlx::query("UPDATE signing_keys SET retired_at = retired_at WHERE practitioner_id = $1")
            .bind(&key.practitioner_id)
            .execute(&mut *tx)
            .await?;
        let existing = sqlx::query(
            "SELECT key_id FROM signing_keys WHERE practitioner_id = $1 AND retired_at IS NULL",
        )
        .bind(&key.practitioner_id)
        .fetch_optional(&mut *tx)
        .await?;
        if existing.is_none() {
            sqlx::query(
                "INSERT INTO signing_keys (key_id, practitioner_id, public_key, private_key, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&key.key_id)
            .bind(&key.practitioner_id)
            .bind(&key.public_key)
            .bind(self.crypto.seal(private_key))
            .bind(key.created_at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.current_signing_key(&key.practitioner_id)
            .await?
            .map(|(k, _)| k)
            .ok_or(StoreError::NotFound)
    }

    /// The practitioner's current key and its private key (opened).
    pub async fn current_signing_key(
        &self,
        practitioner_id: &str,
    ) -> Result<Option<(SigningKeyRecord, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT key_id, practitioner_id, public_key, created_at, private_key FROM signing_keys \
             WHERE practitioner_id = $1 AND retired_at IS NULL",
        )
        .bind(practitioner_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let sealed: String = row.try_get(4)?;
        Ok(Some((
            SigningKeyRecord {
                key_id: row.try_get(0)?,
                practitioner_id: row.try_get(1)?,
                public_key: row.try_get(2)?,
                created_at: row.try_get(3)?,
            },
            self.crypto.open(&sealed)?,
        )))
    }

    /// A key by id (current or retired), public part only: for verifying.
    pub async fn signing_key(&self, key_id: &str) -> Result<Option<SigningKeyRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT key_id, practitioner_id, public_key, created_at FROM signing_keys WHERE key_id = $1",
        )
        .bind(key_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(SigningKeyRecord {
                key_id: row.try_get(0)?,
                practitioner_id: row.try_get(1)?,
                public_key: row.try_get(2)?,
                created_at: row.try_get(3)?,
            })
        })
        .transpose()
    }
}
