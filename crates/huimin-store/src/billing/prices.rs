//! The price list (`price_items`): replaced whole by an import, read by the desk and the
//! ledger.

use std::collections::BTreeMap;

use huimin_domain::billing::price_list::{PriceCategory, PriceItem};
use huimin_domain::directory::RegistrationClass;
use huimin_domain::i18n::Text;
use huimin_domain::money::Money;
use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::retry::{Attempts, Finish};
use crate::sql::tuples;
use crate::{Store, StoreError};

const COLUMNS: &str =
    "code, name_zh, name_en, category, unit_zh, unit_en, price_fen, registration_class";

/// Items written per statement: 9 values each, well below either database's limit on
/// parameters, and few round trips for a list of thousands.
const ROWS_PER_STATEMENT: usize = 100;

/// Which items to list: one category, and text found in the code or either name.
#[derive(Clone, Copy, Debug, Default)]
pub struct PriceQuery<'a> {
    pub category: Option<PriceCategory>,
    /// Matched anywhere in the code and the names; ASCII letters in any case.
    pub text: &'a str,
}

fn from_row(row: &AnyRow) -> Result<PriceItem, StoreError> {
    let code: String = row.try_get(0)?;
    let corrupt = |what: &str| StoreError::Corrupt(format!("price item {code}: {what}"));
    let category: String = row.try_get(3)?;
    let class: Option<String> = row.try_get(7)?;
    let registration_class = match class.as_deref() {
        None => None,
        Some(c) => Some(RegistrationClass::from_code(c).ok_or_else(|| corrupt("class"))?),
    };
    Ok(PriceItem {
        name: Text::new(row.try_get::<String, _>(1)?, row.try_get::<String, _>(2)?),
        category: PriceCategory::from_code(&category).ok_or_else(|| corrupt("category"))?,
        unit: Text::new(row.try_get::<String, _>(4)?, row.try_get::<String, _>(5)?),
        price: Money::from_fen(row.try_get(6)?).map_err(|_| corrupt("price"))?,
        registration_class,
        code,
    })
}

/// `text` as a `LIKE` pattern that finds it anywhere, its wildcards taken literally.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Writes `items` (one per code, in code order) and deletes every item not among them: the
/// rows written carry this import's stamp, the ones left over an older one. Upserts in code
/// order rather than delete-then-insert, so that two imports at once on PostgreSQL wait for
/// each other instead of one failing on a key the other inserted; the later list stays.
async fn replace_in(
    tx: &mut Transaction<'_, Any>,
    items: &[&PriceItem],
    now: i64,
) -> Result<Finish<usize>, StoreError> {
    // Each import's rows carry a stamp no earlier import used, even with a clock that went
    // back or two imports in one microsecond, so the leftovers are exactly the older rows.
    let newest: Option<i64> = sqlx::query("SELECT MAX(imported_at) FROM price_items")
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    let now = newest.map_or(now, |newest| now.max(newest + 1));
    for chunk in items.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO price_items ({COLUMNS}, imported_at) VALUES {} \
             ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, \
             name_en = excluded.name_en, category = excluded.category, \
             unit_zh = excluded.unit_zh, unit_en = excluded.unit_en, \
             price_fen = excluded.price_fen, registration_class = excluded.registration_class, \
             imported_at = excluded.imported_at",
            tuples(chunk.len(), 9, "")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for item in chunk {
            query = query
                .bind(item.code.clone())
                .bind(item.name.zh.clone())
                .bind(item.name.en.clone())
                .bind(item.category.code())
                .bind(item.unit.zh.clone())
                .bind(item.unit.en.clone())
                .bind(item.price.fen())
                .bind(item.registration_class.map(RegistrationClass::code))
                .bind(now);
        }
        query.execute(&mut **tx).await?;
    }
    sqlx::query("DELETE FROM price_items WHERE imported_at <> $1")
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(Finish::Commit(items.len()))
}

impl Store {
    /// Makes `items` the price list, in one transaction: items not among them are removed,
    /// and a failure changes nothing. Items are taken one per code (the last of repeats; the
    /// parser refuses repeats before this). The number of items now listed.
    pub async fn replace_price_list(
        &self,
        items: &[PriceItem],
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let by_code: BTreeMap<&str, &PriceItem> =
            items.iter().map(|i| (i.code.as_str(), i)).collect();
        let items: Vec<&PriceItem> = by_code.into_values().collect();
        let now = now.as_microsecond();
        let mut attempts = Attempts::default();
        loop {
            let mut tx = self.writer.begin().await?;
            let outcome = replace_in(&mut tx, &items, now).await;
            if let Some(answer) = attempts.end(tx, outcome).await {
                return answer;
            }
        }
    }

    /// Every item, by category (in [`PriceCategory`] order), then code.
    pub async fn price_list(&self) -> Result<Vec<PriceItem>, StoreError> {
        self.search_price_list(PriceQuery::default()).await
    }

    /// The items `query` asks for, by category, then code.
    pub async fn search_price_list(
        &self,
        query: PriceQuery<'_>,
    ) -> Result<Vec<PriceItem>, StoreError> {
        // lower() on both sides: SQLite folds ASCII only, PostgreSQL more; each agrees with
        // itself. Chinese has no case.
        let sql = format!(
            "SELECT {COLUMNS} FROM price_items WHERE ($1 = '' OR category = $1) \
             AND ($2 = '' OR lower(code) LIKE lower($3) ESCAPE '\\' \
             OR lower(name_zh) LIKE lower($3) ESCAPE '\\' \
             OR lower(name_en) LIKE lower($3) ESCAPE '\\')"
        );
        let text = query.text.trim();
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(query.category.map_or("", PriceCategory::code))
            .bind(text)
            .bind(contains_pattern(text))
            .fetch_all(&self.pool)
            .await?;
        let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        items.sort_by(|a, b| (a.category, &a.code).cmp(&(b.category, &b.code)));
        Ok(items)
    }

    /// The item with this code, if listed.
    pub async fn price_item(&self, code: &str) -> Result<Option<PriceItem>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM price_items WHERE code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The registration item whose price is the list price of `class`, if the list has one.
    pub async fn registration_price(
        &self,
        class: RegistrationClass,
    ) -> Result<Option<PriceItem>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM price_items WHERE registration_class = $1 ORDER BY code"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(class.code())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }
}

#[cfg(test)]
#[path = "prices_tests.rs"]
mod tests;
