//! Rebuilding the search tokens of stored resources when what is indexed changes (a new token
//! form), so that resources written before the change are found as new ones are.

use serde_json::Value;

use crate::resources::IndexEntry;
use crate::{Store, StoreError};

/// Resources rewritten per transaction.
const PAGE: i64 = 200;

impl Store {
    /// Replaces the search tokens of every resource of the type with `index(content)`, in id
    /// order, a page per transaction; returns how many resources were reindexed. Meant for
    /// startup, before requests are served: a resource updated meanwhile by another server
    /// could keep tokens of the version read here.
    pub async fn reindex_resources(
        &self,
        resource_type: &str,
        index: impl Fn(&Value) -> Vec<IndexEntry>,
    ) -> Result<u64, StoreError> {
        let mut done = 0;
        let mut after = String::new();
        loop {
            let rows = sqlx::query(
                "SELECT id, version_id, last_updated, content FROM resources \
                 WHERE resource_type = $1 AND id > $2 ORDER BY id LIMIT $3",
            )
            .bind(resource_type)
            .bind(&after)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let mut tx = self.writer.begin().await?;
            for row in &rows {
                let stored = self.decode_row(resource_type, row)?;
                sqlx::query("DELETE FROM search_tokens WHERE resource_type = $1 AND id = $2")
                    .bind(resource_type)
                    .bind(&stored.id)
                    .execute(&mut *tx)
                    .await?;
                self.insert_tokens(&mut tx, resource_type, &stored.id, &index(&stored.content))
                    .await?;
                after = stored.id;
                done += 1;
            }
            tx.commit().await?;
        }
    }
}
