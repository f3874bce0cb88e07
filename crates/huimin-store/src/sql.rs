//! Placeholder lists for statements built at run time (`IN (…)` lists and multi-row
//! `VALUES`): sqlx binds only `$n` markers, so their number must follow the rows.

use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Either, Executor};

use crate::StoreError;

/// `$from, $from+1, …`: `count` placeholders.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, …, $width<constants>), (…)`: `rows` tuples of `width` placeholders numbered from
/// `$1`, each followed by the literal `constants` (e.g. `", 0"`).
pub(crate) fn tuples(rows: usize, width: usize, constants: &str) -> String {
    (0..rows)
        .map(|r| format!("({}{constants})", placeholders(1 + r * width, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One value of a [`Batch`]'s shared argument list.
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
}

/// A query built at run time, through the `Any` driver.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

impl Arg {
    /// Binds the value as the query's next argument.
    pub(crate) fn bind_to(self, query: AnyQuery<'_>) -> AnyQuery<'_> {
        match self {
            Arg::Text(value) => query.bind(value),
            Arg::Int(value) => query.bind(value),
        }
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(Some(value.to_owned()))
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(Some(value))
    }
}

impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Self {
        Arg::Text(value)
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Int(Some(value))
    }
}

impl From<Option<i64>> for Arg {
    fn from(value: Option<i64>) -> Self {
        Arg::Int(value)
    }
}

/// What one statement of a batch gave: its rows, and the rows it changed (for a write).
#[derive(Default)]
pub(crate) struct Step {
    pub rows: Vec<AnyRow>,
    pub changed: u64,
}

/// Several statements sent to SQLite as one text with one argument list, run in one round trip to the connection's
/// thread. The booking group uses it: each round trip costs two thread wake-ups, which under
/// a booking rush took most of a group's time. Only SQLite runs several statements in one
/// prepared query, and sqlx 0.9 marks that as deprecated: should a later sqlx drop it, the
/// test below fails, and booking groups fall back to a savepoint per request (which the API
/// tests' `finish` counts as a failure). PostgreSQL never sees a batch.
#[derive(Default)]
pub(crate) struct Batch {
    sql: String,
    args: Vec<Arg>,
    statements: usize,
}

impl Batch {
    /// Adds a value; its placeholder, a bare `?`. Values must be added in the order their
    /// placeholders stand in the text: sqlx hands bare `?`s their values in turn across the
    /// statements. (`$n` would name each value once, but SQLite looks every `$` name up among
    /// the statement's earlier ones, which is quadratic in a multi-row statement's hundreds
    /// of values; and sqlx cannot bind sparse `?n` numbers in later statements of a batch.)
    pub(crate) fn arg(&mut self, value: impl Into<Arg>) -> &'static str {
        self.args.push(value.into());
        "?"
    }

    /// Adds the values; their placeholders, comma-separated (for `IN (…)`).
    pub(crate) fn list<T: Into<Arg>>(&mut self, values: impl IntoIterator<Item = T>) -> String {
        values
            .into_iter()
            .map(|v| self.arg(v))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Adds the values of one row; `(?, ?, …)` for a multi-row `VALUES`.
    pub(crate) fn row<const N: usize>(&mut self, values: [Arg; N]) -> String {
        format!("({})", self.list(values))
    }

    /// Adds a statement; its index in the steps [`run`](Self::run) returns.
    pub(crate) fn push(&mut self, statement: &str) -> usize {
        self.sql.push_str(statement);
        self.sql.push_str(";\n");
        self.statements += 1;
        self.statements - 1
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.statements == 0
    }

    /// Runs every statement in order inside the caller's transaction.
    pub(crate) async fn run(self, conn: &mut AnyConnection) -> Result<Vec<Step>, StoreError> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.sql)).persistent(false);
        for arg in self.args {
            query = arg.bind_to(query);
        }
        let mut steps = Vec::with_capacity(self.statements);
        let mut current = Step::default();
        let mut stream = conn.fetch_many(query);
        while let Some(item) = stream.try_next().await? {
            match item {
                Either::Right(row) => current.rows.push(row),
                Either::Left(done) => {
                    current.changed = done.rows_affected();
                    steps.push(std::mem::take(&mut current));
                }
            }
        }
        if steps.len() != self.statements {
            return Err(StoreError::Batch(format!(
                "{} of {} statements answered",
                steps.len(),
                self.statements
            )));
        }
        Ok(steps)
    }
}

#[cfg(test)]
mod tests {
    use super::{Batch, placeholders, tuples};
    use sqlx::{Connection, Row};

    /// A batch's statements run in order, each taking its own values in turn, and each step
    /// reports its rows and the rows it changed.
    #[tokio::test]
    async fn a_batch_runs_its_statements_in_order_with_their_values() {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (name TEXT, n INTEGER)")
            .execute(&mut conn)
            .await
            .unwrap();
        let mut batch = Batch::default();
        let rows = [("a", 1), ("b", 2), ("c", 3)]
            .map(|(name, n)| format!("({}, {})", batch.arg(name), batch.arg(n)));
        let insert = batch.push(&format!(
            "INSERT INTO t (name, n) VALUES {}",
            rows.join(", ")
        ));
        let (add, names) = (batch.arg(10), batch.list(["a", "c"]));
        let update = batch.push(&format!(
            "UPDATE t SET n = n + {add} WHERE name IN ({names})"
        ));
        let none = batch.push("SELECT name FROM t WHERE n IS NULL");
        let above = batch.arg(5);
        let select = batch.push(&format!(
            "SELECT name, n FROM t WHERE n > {above} ORDER BY name"
        ));
        let steps = batch.run(&mut conn).await.unwrap();
        assert_eq!((steps[insert].changed, steps[update].changed), (3, 2));
        assert!(steps[none].rows.is_empty());
        let found: Vec<(String, i64)> = steps[select]
            .rows
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        assert_eq!(found, [("a".to_owned(), 11), ("c".to_owned(), 13)]);

        let mut failing = Batch::default();
        failing.push("SELECT 1");
        failing.push("SELECT * FROM missing");
        assert!(failing.run(&mut conn).await.is_err());
    }

    #[test]
    fn placeholders_number_from_the_first_given() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(1, 0), "");
    }

    #[test]
    fn tuples_number_every_cell_once() {
        assert_eq!(tuples(2, 2, ""), "($1, $2), ($3, $4)");
        assert_eq!(tuples(2, 2, ", 0"), "($1, $2, 0), ($3, $4, 0)");
        assert_eq!(tuples(1, 3, ""), "($1, $2, $3)");
    }
}
