//! Versioned FHIR resource storage with a search index.
//!
//! The current version lives in `resources`, every version in `resource_history`. Updates are
//! one conditional statement (`… WHERE version_id = $expected`), so two writers holding the
//! same version cannot both win. `meta.versionId` and `meta.lastUpdated` are not stored in the
//! JSON: they are taken from the columns on every read, so they can never disagree.

use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::appointments::{BIRTH_DATE_PARAM, GENDER_PARAM, keep_facts};
use crate::{Store, StoreError, now_micros};

/// One version of one resource, as read back.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredResource {
    pub resource_type: String,
    pub id: String,
    pub version_id: i64,
    pub last_updated_micros: i64,
    /// The JSON with `meta.versionId` and `meta.lastUpdated` filled in.
    pub content: Value,
}

/// A value to index for search. `Blind` values are stored only as a keyed hash and can be
/// matched by equality, never read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexValue {
    Plain(String),
    Blind(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexEntry {
    pub param: String,
    pub value: IndexValue,
}

impl IndexEntry {
    pub fn plain(param: &str, value: impl Into<String>) -> Self {
        Self {
            param: param.to_owned(),
            value: IndexValue::Plain(value.into()),
        }
    }

    pub fn blind(param: &str, value: impl Into<String>) -> Self {
        Self {
            param: param.to_owned(),
            value: IndexValue::Blind(value.into()),
        }
    }
}

/// An identifier that at most one resource of the type may carry (stored blind).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UniqueKey {
    pub system: String,
    pub value: String,
}

/// Everything needed to write one resource version.
#[derive(Clone, Copy, Debug)]
pub struct ResourceWrite<'a> {
    pub resource_type: &'a str,
    pub id: &'a str,
    pub content: &'a Value,
    pub index: &'a [IndexEntry],
    pub unique: &'a [UniqueKey],
    /// Seal the whole JSON at rest (patient data).
    pub sealed: bool,
}

impl Store {
    pub async fn create_resource(
        &self,
        write: ResourceWrite<'_>,
    ) -> Result<StoredResource, StoreError> {
        let mut tx = self.writer.begin().await?;
        let stored = self.insert_resource(&mut tx, write).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Creates all of them, with their audit records, in one transaction (a FHIR
    /// `transaction` Bundle): all or none, and none without its record.
    pub async fn create_resources(
        &self,
        writes: &[ResourceWrite<'_>],
        audits: &[crate::NewAuditRecord],
    ) -> Result<Vec<StoredResource>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let mut stored = Vec::with_capacity(writes.len());
        for write in writes {
            stored.push(self.insert_resource(&mut tx, *write).await?);
        }
        if !audits.is_empty() {
            let records: Vec<&crate::NewAuditRecord> = audits.iter().collect();
            crate::audit::append_in(&mut tx, self.chain_key(), &records).await?;
        }
        tx.commit().await?;
        Ok(stored)
    }

    /// Replaces the current version. With `expected_version`, the write only happens when the
    /// stored version still is that one (`If-Match`), else `VersionConflict`.
    pub async fn update_resource(
        &self,
        write: ResourceWrite<'_>,
        expected_version: Option<i64>,
    ) -> Result<StoredResource, StoreError> {
        let mut tx = self.writer.begin().await?;
        let stored = self
            .replace_resource_in(&mut tx, write, expected_version)
            .await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// [`Store::update_resource`] inside the caller's transaction.
    pub(crate) async fn replace_resource_in(
        &self,
        tx: &mut AnyConnection,
        write: ResourceWrite<'_>,
        expected_version: Option<i64>,
    ) -> Result<StoredResource, StoreError> {
        let now = now_micros();
        let content = self.encode_content(write)?;
        let row = match expected_version {
            Some(expected) => sqlx::query(
                "UPDATE resources SET version_id = version_id + 1, last_updated = $1, content = $2 \
                 WHERE resource_type = $3 AND id = $4 AND version_id = $5 RETURNING version_id",
            )
            .bind(now)
            .bind(&content)
            .bind(write.resource_type)
            .bind(write.id)
            .bind(expected)
            .fetch_optional(&mut *tx)
            .await?,
            None => sqlx::query(
                "UPDATE resources SET version_id = version_id + 1, last_updated = $1, content = $2 \
                 WHERE resource_type = $3 AND id = $4 RETURNING version_id",
            )
            .bind(now)
            .bind(&content)
            .bind(write.resource_type)
            .bind(write.id)
            .fetch_optional(&mut *tx)
            .await?,
        };
        let Some(row) = row else {
            let current = current_version(tx, write.resource_type, write.id).await?;
            return Err(match current {
                Some(current) => StoreError::VersionConflict { current },
                None => StoreError::NotFound,
            });
        };
        let version: i64 = row.try_get(0)?;
        insert_history(tx, write.resource_type, write.id, version, now, &content).await?;
        sqlx::query("DELETE FROM search_tokens WHERE resource_type = $1 AND id = $2")
            .bind(write.resource_type)
            .bind(write.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM unique_identifiers WHERE resource_type = $1 AND id = $2")
            .bind(write.resource_type)
            .bind(write.id)
            .execute(&mut *tx)
            .await?;
        self.insert_index(tx, write).await?;
        Ok(with_meta(
            write.resource_type,
            write.id,
            version,
            now,
            write.content.clone(),
        ))
    }

    pub async fn read_resource(
        &self,
        resource_type: &str,
        id: &str,
    ) -> Result<Option<StoredResource>, StoreError> {
        let row = sqlx::query(
            "SELECT id, version_id, last_updated, content FROM resources \
             WHERE resource_type = $1 AND id = $2",
        )
        .bind(resource_type)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| self.decode_row(resource_type, &row))
            .transpose()
    }

    /// One historical version (`vread`).
    pub async fn read_resource_version(
        &self,
        resource_type: &str,
        id: &str,
        version: i64,
    ) -> Result<Option<StoredResource>, StoreError> {
        let row = sqlx::query(
            "SELECT id, version_id, last_updated, content FROM resource_history \
             WHERE resource_type = $1 AND id = $2 AND version_id = $3",
        )
        .bind(resource_type)
        .bind(id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| self.decode_row(resource_type, &row))
            .transpose()
    }

    pub async fn count_resources(&self, resource_type: &str) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM resources WHERE resource_type = $1")
            .bind(resource_type)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Inserts version 1 inside the caller's transaction (registration writes a user and its
    /// Patient together).
    pub(crate) async fn insert_resource(
        &self,
        conn: &mut AnyConnection,
        write: ResourceWrite<'_>,
    ) -> Result<StoredResource, StoreError> {
        let now = now_micros();
        let content = self.encode_content(write)?;
        let inserted = sqlx::query(
            "INSERT INTO resources (resource_type, id, version_id, last_updated, content) \
             VALUES ($1, $2, 1, $3, $4)",
        )
        .bind(write.resource_type)
        .bind(write.id)
        .bind(now)
        .bind(&content)
        .execute(&mut *conn)
        .await;
        if let Err(err) = inserted {
            return Err(if StoreError::is_unique_violation(&err) {
                StoreError::Duplicate {
                    resource_type: write.resource_type.into(),
                    system: "id".into(),
                }
            } else {
                err.into()
            });
        }
        insert_history(conn, write.resource_type, write.id, 1, now, &content).await?;
        self.insert_index(conn, write).await?;
        Ok(with_meta(
            write.resource_type,
            write.id,
            1,
            now,
            write.content.clone(),
        ))
    }

    async fn insert_index(
        &self,
        conn: &mut AnyConnection,
        write: ResourceWrite<'_>,
    ) -> Result<(), StoreError> {
        for key in write.unique {
            let inserted = sqlx::query(
                "INSERT INTO unique_identifiers (resource_type, system, value_hash, id) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(write.resource_type)
            .bind(&key.system)
            .bind(self.crypto.blind_index(&key.value))
            .bind(write.id)
            .execute(&mut *conn)
            .await;
            if let Err(err) = inserted {
                return Err(if StoreError::is_unique_violation(&err) {
                    StoreError::Duplicate {
                        resource_type: write.resource_type.into(),
                        system: key.system.clone(),
                    }
                } else {
                    err.into()
                });
            }
        }
        self.insert_tokens(conn, write.resource_type, write.id, write.index)
            .await?;
        if write.resource_type == "Patient" {
            // What bookings check of the patient, kept beside their booking lock.
            let birth_date = write
                .index
                .iter()
                .filter(|entry| entry.param == BIRTH_DATE_PARAM)
                .map(|entry| self.index_value(&entry.value))
                .min();
            let gender = write
                .index
                .iter()
                .find(|entry| entry.param == GENDER_PARAM)
                .map(|entry| self.index_value(&entry.value));
            let verified = !write.unique.is_empty();
            let facts = (birth_date.as_deref(), gender.as_deref());
            keep_facts(conn, write.id, verified, facts.0, facts.1).await?;
        }
        Ok(())
    }

    pub(crate) fn index_value(&self, value: &IndexValue) -> String {
        match value {
            IndexValue::Plain(v) => v.clone(),
            IndexValue::Blind(v) => self.crypto.blind_index(v),
        }
    }

    fn encode_content(&self, write: ResourceWrite<'_>) -> Result<String, StoreError> {
        let mut content = write.content.clone();
        strip_server_meta(&mut content);
        let text =
            serde_json::to_string(&content).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(if write.sealed {
            self.crypto.seal(&text)
        } else {
            text
        })
    }

    /// The search tokens of one resource, each (parameter, value) once.
    pub(crate) async fn insert_tokens(
        &self,
        conn: &mut AnyConnection,
        resource_type: &str,
        id: &str,
        index: &[IndexEntry],
    ) -> Result<(), StoreError> {
        let mut seen = std::collections::HashSet::new();
        for entry in index {
            let value = self.index_value(&entry.value);
            if !seen.insert((entry.param.as_str(), value.clone())) {
                continue;
            }
            sqlx::query(
                "INSERT INTO search_tokens (resource_type, id, param, value) VALUES ($1, $2, $3, $4)",
            )
            .bind(resource_type)
            .bind(id)
            .bind(&entry.param)
            .bind(value)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    pub(crate) fn decode_row(
        &self,
        resource_type: &str,
        row: &AnyRow,
    ) -> Result<StoredResource, StoreError> {
        let id: String = row.try_get(0)?;
        let version: i64 = row.try_get(1)?;
        let last_updated: i64 = row.try_get(2)?;
        let stored: String = row.try_get(3)?;
        let text = self.crypto.open(&stored)?;
        let content: Value = serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("{resource_type}/{id}: {e}")))?;
        Ok(with_meta(
            resource_type,
            &id,
            version,
            last_updated,
            content,
        ))
    }
}

async fn current_version(
    conn: &mut AnyConnection,
    resource_type: &str,
    id: &str,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query("SELECT version_id FROM resources WHERE resource_type = $1 AND id = $2")
        .bind(resource_type)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

async fn insert_history(
    conn: &mut AnyConnection,
    resource_type: &str,
    id: &str,
    version: i64,
    at: i64,
    content: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO resource_history (resource_type, id, version_id, last_updated, content) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(resource_type)
    .bind(id)
    .bind(version)
    .bind(at)
    .bind(content)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn strip_server_meta(content: &mut Value) {
    if let Some(meta) = content.get_mut("meta").and_then(Value::as_object_mut) {
        meta.remove("versionId");
        meta.remove("lastUpdated");
        if meta.is_empty() {
            content.as_object_mut().map(|o| o.remove("meta"));
        }
    }
}

/// Puts `id`, `meta.versionId` and `meta.lastUpdated` into the JSON from the columns.
fn with_meta(
    resource_type: &str,
    id: &str,
    version: i64,
    at: i64,
    mut content: Value,
) -> StoredResource {
    if let Some(object) = content.as_object_mut() {
        object.insert("id".into(), Value::String(id.to_owned()));
        let meta = object
            .entry("meta")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(meta) = meta.as_object_mut() {
            meta.insert("versionId".into(), Value::String(version.to_string()));
            meta.insert("lastUpdated".into(), Value::String(instant_text(at)));
        }
    }
    StoredResource {
        resource_type: resource_type.to_owned(),
        id: id.to_owned(),
        version_id: version,
        last_updated_micros: at,
        content,
    }
}

/// FHIR `instant` text for a microsecond timestamp.
pub fn instant_text(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}
