//! The ICD-10 code table (`icd10_codes`): replaced whole by an import in one transaction,
//! read whole by the servers that keep it indexed in memory, looked up by code. Its version
//! (`code_tables`) rises with every import.

use huimin_domain::records::{Chapter, Icd10Code, Icd10Entry};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::retry::{Attempts, Finish};
use crate::sql::tuples;
use crate::{Store, StoreError};

const COLUMNS: &str = "code, name_zh, name_en, chapter";

/// Codes written per statement (6 values each).
const ROWS_PER_STATEMENT: usize = 200;

const TABLE: &str = "icd10";

/// The whole table as stored, with the version it was read at.
#[derive(Clone, Debug)]
pub struct Icd10Table {
    pub version: i64,
    pub entries: Vec<Icd10Entry>,
}

fn from_row(row: &AnyRow) -> Result<Icd10Entry, StoreError> {
    let raw: String = row.try_get(0)?;
    let corrupt = |what: &str| StoreError::Corrupt(format!("ICD-10 code {raw}: {what}"));
    let code = Icd10Code::parse(&raw).map_err(|_| corrupt("code"))?;
    let chapter: String = row.try_get(3)?;
    Ok(Icd10Entry {
        chapter: Chapter::parse(&chapter).ok_or_else(|| corrupt("chapter"))?,
        name_zh: row.try_get(1)?,
        name_en: row.try_get(2)?,
        code,
    })
}

/// Replaces the table. The version row is updated first: it takes the lock, so two imports
/// at once run one after the other and the later table stays.
async fn replace_in(
    tx: &mut Transaction<'_, Any>,
    entries: &[Icd10Entry],
    now: i64,
) -> Result<Finish<i64>, StoreError> {
    let row = sqlx::query(
        "UPDATE code_tables SET version = version + 1, entries = $1, imported_at = $2 \
         WHERE name = $3 RETURNING version",
    )
    .bind(entries.len() as i64)
    .bind(now)
    .bind(TABLE)
    .fetch_one(&mut **tx)
    .await?;
    let version: i64 = row.try_get(0)?;
    sqlx::query("DELETE FROM icd10_codes")
        .execute(&mut **tx)
        .await?;
    for (n, chunk) in entries.chunks(ROWS_PER_STATEMENT).enumerate() {
        let sql = format!(
            "INSERT INTO icd10_codes ({COLUMNS}, category, position) VALUES {}",
            tuples(chunk.len(), 6, "")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (i, entry) in chunk.iter().enumerate() {
            query = query
                .bind(entry.code.to_string())
                .bind(entry.name_zh.clone())
                .bind(entry.name_en.clone())
                .bind(entry.chapter.roman())
                .bind(entry.category().to_owned())
                .bind((n * ROWS_PER_STATEMENT + i) as i64);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(Finish::Commit(version))
}

impl Store {
    /// Makes `entries` the ICD-10 table, in one transaction (a failure changes nothing); the
    /// table's new version. The parser has refused repeated codes before this.
    pub async fn replace_icd10_table(
        &self,
        entries: &[Icd10Entry],
        now: i64,
    ) -> Result<i64, StoreError> {
        let mut attempts = Attempts::default();
        loop {
            let mut tx = self.writer.begin().await?;
            let outcome = replace_in(&mut tx, entries, now).await;
            if let Some(answer) = attempts.end(tx, outcome).await {
                return answer;
            }
        }
    }

    /// The table's version: 0 before the first import, one more with each.
    pub async fn icd10_version(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT version FROM code_tables WHERE name = $1")
            .bind(TABLE)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }

    /// The whole table in file order, and the version it is.
    pub async fn icd10_table(&self) -> Result<Icd10Table, StoreError> {
        // Version and rows in one transaction: an import between the two reads would pair
        // the new rows with the old version and the index would never be rebuilt.
        let mut tx = self.pool.begin().await?;
        let version: i64 = sqlx::query("SELECT version FROM code_tables WHERE name = $1")
            .bind(TABLE)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let sql = format!("SELECT {COLUMNS} FROM icd10_codes ORDER BY position");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let entries = rows.iter().map(from_row).collect::<Result<_, _>>()?;
        Ok(Icd10Table { version, entries })
    }

    /// The entry of `code`, if the table has it: how other areas check a diagnosis code.
    pub async fn icd10_lookup(&self, code: &Icd10Code) -> Result<Option<Icd10Entry>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM icd10_codes WHERE code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }
}
