//! The drug tables a hospital imports whole (formulary, interactions, allergen groups), each
//! import a new version, and who may prescribe narcotics and class I psychotropics.

use sqlx::Row;

use crate::{Store, StoreError};

/// The newest version of an imported table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceTable {
    pub name: String,
    pub version: i64,
    pub content: String,
    pub imported_by: Option<String>,
    pub imported_at: i64,
}

/// A practitioner's prescribing rights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrescribingRights {
    pub practitioner_id: String,
    /// 麻醉药品和第一类精神药品处方权.
    pub controlled: bool,
    pub granted_by: Option<String>,
    pub granted_at: i64,
}

impl Store {
    /// The newest version of a table, if one was ever imported.
    pub async fn reference_table(&self, name: &str) -> Result<Option<ReferenceTable>, StoreError> {
        let row = sqlx::query(
            "SELECT name, version, content, imported_by, imported_at FROM reference_tables \
             WHERE name = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(ReferenceTable {
                name: r.try_get(0)?,
                version: r.try_get(1)?,
                content: r.try_get(2)?,
                imported_by: r.try_get(3)?,
                imported_at: r.try_get(4)?,
            })
        })
        .transpose()
    }

    /// The newest version number of a table (0 when none was imported): cheap enough to ask
    /// before every use of a cached copy.
    pub async fn reference_table_version(&self, name: &str) -> Result<i64, StoreError> {
        let version: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(MAX(version) AS BIGINT) FROM reference_tables WHERE name = $1",
        )
        .bind(name)
        .fetch_one(&self.pool)
        .await?;
        Ok(version.unwrap_or(0))
    }

    /// Stores a new version of a table (checked by the caller); returns its number.
    pub async fn put_reference_table(
        &self,
        name: &str,
        content: &str,
        by: Option<&str>,
        now: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.writer.begin().await?;
        let version: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(MAX(version) AS BIGINT) FROM reference_tables WHERE name = $1",
        )
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
        let version = version.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO reference_tables (name, version, content, imported_by, imported_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(name)
        .bind(version)
        .bind(content)
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// A practitioner's prescribing rights (none recorded: no controlled drugs).
    pub async fn prescribing_rights(
        &self,
        practitioner_id: &str,
    ) -> Result<Option<PrescribingRights>, StoreError> {
        let row = sqlx::query(
            "SELECT practitioner_id, controlled, granted_by, granted_at FROM prescribing_rights \
             WHERE practitioner_id = $1",
        )
        .bind(practitioner_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let controlled: i64 = r.try_get(1)?;
            Ok(PrescribingRights {
                practitioner_id: r.try_get(0)?,
                controlled: controlled != 0,
                granted_by: r.try_get(2)?,
                granted_at: r.try_get(3)?,
            })
        })
        .transpose()
    }

    /// Grants or withdraws the right to prescribe controlled drugs.
    pub async fn set_prescribing_rights(
        &self,
        practitioner_id: &str,
        controlled: bool,
        by: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM prescribing_rights WHERE practitioner_id = $1")
            .bind(practitioner_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO prescribing_rights (practitioner_id, controlled, granted_by, granted_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(practitioner_id)
        .bind(i64::from(controlled))
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
