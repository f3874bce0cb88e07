//! Search over the token index. Clauses are ANDed; the matches inside one clause are ORed, as
//! FHIR's `a=x&b=y` and `a=x,y`. Values are always bound, never spliced into SQL text.

use sqlx::{AssertSqlSafe, Row};

use crate::resources::{IndexValue, StoredResource};
use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    pub value: String,
    pub inclusive: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    /// Token equals the value.
    Exact(IndexValue),
    /// Token starts with the value (FHIR string search); the caller lower-cases both sides.
    Prefix(String),
    /// Token contains the value anywhere (`:contains`).
    Contains(String),
    /// Token lies within the bounds (dates as `YYYY-MM-DD` text compare correctly).
    Range {
        lower: Option<Bound>,
        upper: Option<Bound>,
    },
    /// Any token at all: the element has a value (`:missing=false`; negated, `:missing=true`).
    Any,
    /// The instant (µs) lies at or after `from` and before `until` (`_lastUpdated`).
    Within {
        from: Option<i64>,
        until: Option<i64>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchClause {
    /// Index parameter name, or `_id` for the logical id, `_lastUpdated` for the time of the
    /// current version.
    pub param: String,
    pub any_of: Vec<Match>,
    /// `:not` / `ne`: the resource has no token matching.
    pub negated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortField {
    Id,
    LastUpdated,
}

/// One `_sort` key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey {
    pub field: SortField,
    pub descending: bool,
}

impl SortKey {
    pub const ID: SortKey = SortKey {
        field: SortField::Id,
        descending: false,
    };
    pub const NEWEST_FIRST: SortKey = SortKey {
        field: SortField::LastUpdated,
        descending: true,
    };
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub clauses: Vec<SearchClause>,
    pub count: u32,
    pub offset: u32,
    /// The sort keys in order; none means newest first. The id always ends the order, so the
    /// order is total and pages neither repeat nor skip a resource.
    pub sort: Vec<SortKey>,
}

/// `ORDER BY` text for the keys, ending with the id as the tie-breaker.
fn order_by(keys: &[SortKey]) -> String {
    let keys = if keys.is_empty() {
        &[SortKey::NEWEST_FIRST][..]
    } else {
        keys
    };
    let mut parts = Vec::new();
    for key in keys {
        let column = match key.field {
            SortField::Id => "r.id",
            SortField::LastUpdated => "r.last_updated",
        };
        let direction = if key.descending { "DESC" } else { "ASC" };
        parts.push(format!("{column} {direction}"));
        if key.field == SortField::Id {
            // Ids are unique: later keys could never decide anything.
            return parts.join(", ");
        }
    }
    parts.push("r.id ASC".into());
    parts.join(", ")
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchResult {
    pub total: i64,
    pub items: Vec<StoredResource>,
}

/// SQL text with numbered placeholders and their arguments.
#[derive(Default)]
struct Sql {
    args: Vec<Arg>,
}

enum Arg {
    Text(String),
    Int(i64),
}

impl Sql {
    fn arg(&mut self, value: String) -> String {
        self.args.push(Arg::Text(value));
        format!("${}", self.args.len())
    }

    fn int(&mut self, value: i64) -> String {
        self.args.push(Arg::Int(value));
        format!("${}", self.args.len())
    }

    fn bind<'q>(
        &self,
        mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        for arg in &self.args {
            query = match arg {
                Arg::Text(text) => query.bind(text.clone()),
                Arg::Int(n) => query.bind(*n),
            };
        }
        query
    }
}

fn escape_like(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 1);
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Store {
    pub async fn search_resources(
        &self,
        resource_type: &str,
        query: &SearchQuery,
    ) -> Result<SearchResult, StoreError> {
        let mut sql = Sql::default();
        let type_arg = sql.arg(resource_type.to_owned());
        let mut filter = format!("r.resource_type = {type_arg}");
        for clause in &query.clauses {
            let condition = self.clause_sql(&mut sql, resource_type, clause);
            filter.push_str(" AND ");
            filter.push_str(&condition);
        }
        let count_text = format!("SELECT COUNT(*) FROM resources r WHERE {filter}");
        let total: i64 = sql
            .bind(sqlx::query(AssertSqlSafe(count_text)))
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        if query.count == 0 {
            return Ok(SearchResult {
                total,
                items: Vec::new(),
            });
        }

        let order = order_by(&query.sort);
        let page_text = format!(
            "SELECT r.id, r.version_id, r.last_updated, r.content FROM resources r WHERE {filter} \
             ORDER BY {order} LIMIT {} OFFSET {}",
            query.count, query.offset
        );
        let rows = sql
            .bind(sqlx::query(AssertSqlSafe(page_text)))
            .fetch_all(&self.pool)
            .await?;
        let items = rows
            .iter()
            .map(|row| self.decode_row(resource_type, row))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SearchResult { total, items })
    }

    fn clause_sql(&self, sql: &mut Sql, resource_type: &str, clause: &SearchClause) -> String {
        // `_id` and `_lastUpdated` compare columns of the resource; every other parameter the
        // token table.
        let column = match clause.param.as_str() {
            "_id" => "r.id",
            "_lastUpdated" => "r.last_updated",
            _ => "t.value",
        };
        let mut alternatives = Vec::new();
        for m in &clause.any_of {
            let condition = match m {
                Match::Exact(value) => format!("{column} = {}", sql.arg(self.index_value(value))),
                Match::Prefix(prefix) => {
                    format!("{column} LIKE {} ESCAPE '\\'", sql.arg(escape_like(prefix)))
                }
                Match::Contains(part) => {
                    let pattern = format!("%{}", escape_like(part));
                    format!("{column} LIKE {} ESCAPE '\\'", sql.arg(pattern))
                }
                Match::Any => "1 = 1".to_owned(),
                Match::Within { from, until } => {
                    let mut parts = Vec::new();
                    if let Some(from) = from {
                        parts.push(format!("{column} >= {}", sql.int(*from)));
                    }
                    if let Some(until) = until {
                        parts.push(format!("{column} < {}", sql.int(*until)));
                    }
                    if parts.is_empty() {
                        "1 = 1".to_owned()
                    } else {
                        parts.join(" AND ")
                    }
                }
                Match::Range { lower, upper } => {
                    let mut parts = Vec::new();
                    if let Some(b) = lower {
                        let op = if b.inclusive { ">=" } else { ">" };
                        parts.push(format!("{column} {op} {}", sql.arg(b.value.clone())));
                    }
                    if let Some(b) = upper {
                        let op = if b.inclusive { "<=" } else { "<" };
                        parts.push(format!("{column} {op} {}", sql.arg(b.value.clone())));
                    }
                    if parts.is_empty() {
                        "1 = 1".to_owned()
                    } else {
                        parts.join(" AND ")
                    }
                }
            };
            alternatives.push(format!("({condition})"));
        }
        if alternatives.is_empty() {
            alternatives.push("(1 = 0)".into());
        }
        let any = alternatives.join(" OR ");
        let membership = if matches!(clause.param.as_str(), "_id" | "_lastUpdated") {
            format!("({any})")
        } else {
            let type_arg = sql.arg(resource_type.to_owned());
            let param_arg = sql.arg(clause.param.clone());
            format!(
                "r.id IN (SELECT t.id FROM search_tokens t WHERE t.resource_type = {type_arg} \
                 AND t.param = {param_arg} AND ({any}))"
            )
        };
        if clause.negated {
            format!("NOT ({membership})")
        } else {
            membership
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{SortField, SortKey, escape_like, order_by};

    #[test]
    fn every_order_ends_with_the_id() {
        assert_eq!(order_by(&[]), "r.last_updated DESC, r.id ASC");
        let id_desc = SortKey {
            field: SortField::Id,
            descending: true,
        };
        assert_eq!(order_by(&[id_desc, SortKey::NEWEST_FIRST]), "r.id DESC");
        assert_eq!(
            order_by(&[SortKey {
                field: SortField::LastUpdated,
                descending: false
            }]),
            "r.last_updated ASC, r.id ASC"
        );
    }

    #[test]
    fn like_wildcards_in_user_input_are_escaped() {
        assert_eq!(escape_like("50%_a\\"), "50\\%\\_a\\\\%");
        assert_eq!(escape_like("张"), "张%");
    }
}
