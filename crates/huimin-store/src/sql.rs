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

/// Whether the connection is to PostgreSQL (whose locking reads SQLite does not have).
pub(crate) fn is_postgres(conn: &sqlx::AnyConnection) -> bool {
    conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME
}

/// The texts as one JSON array, for [`Batch::json_list`].
pub(crate) fn json_array<'v>(values: impl IntoIterator<Item = &'v str>) -> String {
    let values: Vec<&str> = values.into_iter().collect();
    serde_json::to_string(&values).unwrap_or_else(|_| "[]".into())
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

    fn into_json(self) -> serde_json::Value {
        match self {
            Arg::Text(Some(text)) => serde_json::Value::String(text),
            Arg::Int(Some(n)) => serde_json::Value::from(n),
            Arg::Text(None) | Arg::Int(None) => serde_json::Value::Null,
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
/// tests' `finish` counts as a failure). On PostgreSQL ([`Self::postgres`]) the same batch
/// runs a statement at a time, each with its own values renumbered `$1…`.
#[derive(Default)]
pub(crate) struct Batch {
    sql: String,
    args: Vec<Arg>,
    /// Where each statement stands in `sql`, and the number of values added up to its end.
    statements: Vec<(std::ops::Range<usize>, usize)>,
    /// Whether the text is the same from one run to the next (its lists passed as JSON):
    /// SQLite then keeps it prepared.
    stable: bool,
    postgres: bool,
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

    /// Adds a JSON array of texts ([`json_array`]) as one value; its placeholder, a subquery
    /// listing them (`x IN ({})`). The statement's text then stays the same whatever the
    /// number of values, so a batch built only of such lists can be kept prepared
    /// ([`Self::stable`]). A list used by several statements is built once and added to each.
    pub(crate) fn json_list(&mut self, array: &str) -> String {
        let array = self.arg(array);
        if self.postgres {
            format!("SELECT value FROM json_array_elements_text(CAST({array} AS json))")
        } else {
            format!("SELECT value FROM json_each({array})")
        }
    }

    /// Adds rows of `N` values as one JSON array of arrays; its placeholder, a row source
    /// `SELECT value ->> 0, …, value ->> N-1 FROM json_each(?)` (for `INSERT … SELECT` or a
    /// `WITH v(…) AS (…)`), whose text does not depend on the number of rows. JSON keeps
    /// each value's type: text, integer or null.
    pub(crate) fn json_rows<const N: usize>(
        &mut self,
        rows: impl IntoIterator<Item = [Arg; N]>,
    ) -> String {
        let mut rows = rows.into_iter().peekable();
        // PostgreSQL's `->>` answers text: integer columns (known from the first row) are cast.
        let mut integers = [false; N];
        if self.postgres
            && let Some(first) = rows.peek()
        {
            for (integer, arg) in integers.iter_mut().zip(first) {
                *integer = matches!(arg, Arg::Int(_));
            }
        }
        let rows: Vec<serde_json::Value> = rows
            .map(|row| row.into_iter().map(Arg::into_json).collect())
            .collect();
        let json = serde_json::Value::Array(rows).to_string();
        let columns: Vec<String> = (0..N)
            .map(|n| match integers[n] {
                true => format!("CAST(value ->> {n} AS BIGINT)"),
                false => format!("value ->> {n}"),
            })
            .collect();
        let json = self.arg(json);
        if self.postgres {
            format!(
                "SELECT {} FROM json_array_elements(CAST({json} AS json))",
                columns.join(", ")
            )
        } else {
            format!("SELECT {} FROM json_each({json})", columns.join(", "))
        }
    }

    /// Marks the batch's text as independent of its values (only [`Self::json_list`]s and
    /// single values): SQLite keeps its statements prepared between runs.
    pub(crate) fn stable(mut self) -> Self {
        self.stable = true;
        self
    }

    /// A batch for PostgreSQL: its lists and rows in PostgreSQL's JSON functions, its
    /// statements run one at a time.
    pub(crate) fn postgres(mut self, postgres: bool) -> Self {
        self.postgres = postgres;
        self
    }

    /// Adds the values of one row; `(?, ?, …)` for a multi-row `VALUES`.
    pub(crate) fn row<const N: usize>(&mut self, values: [Arg; N]) -> String {
        format!("({})", self.list(values))
    }

    /// Adds a statement; its index in the steps [`run`](Self::run) returns.
    pub(crate) fn push(&mut self, statement: &str) -> usize {
        let start = self.sql.len();
        self.sql.push_str(statement);
        self.statements
            .push((start..self.sql.len(), self.args.len()));
        self.sql.push_str(";\n");
        self.statements.len() - 1
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs every statement in order inside the caller's transaction.
    pub(crate) async fn run(self, conn: &mut AnyConnection) -> Result<Vec<Step>, StoreError> {
        if self.postgres {
            return self.run_one_at_a_time(conn).await;
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.sql)).persistent(self.stable);
        for arg in self.args {
            query = arg.bind_to(query);
        }
        let mut steps = Vec::with_capacity(self.statements.len());
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
        if steps.len() != self.statements.len() {
            return Err(StoreError::Batch(format!(
                "{} of {} statements answered",
                steps.len(),
                self.statements.len()
            )));
        }
        Ok(steps)
    }

    /// PostgreSQL runs one statement per query: each gets its own values, its `?`s numbered.
    async fn run_one_at_a_time(self, conn: &mut AnyConnection) -> Result<Vec<Step>, StoreError> {
        let mut args = self.args.into_iter();
        let mut taken = 0;
        let mut steps = Vec::with_capacity(self.statements.len());
        for (at, end) in self.statements {
            let statement = &self.sql[at];
            let placeholders = statement.matches('?').count();
            if placeholders != end - taken {
                return Err(StoreError::Batch(format!(
                    "a statement with {placeholders} placeholders for {} values",
                    end - taken
                )));
            }
            let mut query =
                sqlx::query(sqlx::AssertSqlSafe(numbered(statement))).persistent(self.stable);
            for arg in args.by_ref().take(end - taken) {
                query = arg.bind_to(query);
            }
            taken = end;
            let mut step = Step::default();
            let mut stream = conn.fetch_many(query);
            while let Some(item) = stream.try_next().await? {
                match item {
                    Either::Right(row) => step.rows.push(row),
                    Either::Left(done) => step.changed += done.rows_affected(),
                }
            }
            drop(stream);
            steps.push(step);
        }
        Ok(steps)
    }
}

/// The statement with its bare `?` placeholders numbered `$1, $2, …` in order. The batch's
/// statements have no `?` of their own: their values always go as placeholders.
fn numbered(statement: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(statement.len() + 16);
    let mut n = 0;
    for c in statement.chars() {
        if c == '?' {
            n += 1;
            let _ = write!(out, "${n}");
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Arg, Batch, json_array, numbered, placeholders, tuples};
    use sqlx::{Connection, Row};

    /// An in-memory SQLite database with one table.
    async fn memory_table(create: &str) -> sqlx::AnyConnection {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(create.to_owned()))
            .execute(&mut conn)
            .await
            .unwrap();
        conn
    }

    /// A batch's statements run in order, each taking its own values in turn, and each step
    /// reports its rows and the rows it changed.
    #[tokio::test]
    async fn a_batch_runs_its_statements_in_order_with_their_values() {
        let mut conn = memory_table("CREATE TABLE t (name TEXT, n INTEGER)").await;
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

    /// JSON lists and rows keep each value and its type (text with quotes and non-ASCII,
    /// integers, nulls), and a stable batch gives the same answers when run again (prepared)
    /// with a different number of values.
    #[tokio::test]
    async fn json_lists_and_rows_keep_values_and_types_across_runs() {
        let mut conn =
            memory_table("CREATE TABLE t (name TEXT PRIMARY KEY, n INTEGER, note TEXT)").await;
        async fn run(
            conn: &mut sqlx::AnyConnection,
            rows: Vec<[Arg; 3]>,
            names: &[&str],
        ) -> Vec<(String, i64, Option<String>)> {
            let mut batch = Batch::default().stable();
            let source = batch.json_rows(rows);
            batch.push(&format!(
                "WITH v(name, n, note) AS ({source}) \
                 INSERT INTO t (name, n, note) SELECT name, n, note FROM v WHERE true \
                 ON CONFLICT (name) DO UPDATE SET n = t.n + excluded.n"
            ));
            let list = batch.json_list(&json_array(names.iter().copied()));
            let select = batch.push(&format!(
                "SELECT name, n, note, typeof(n) FROM t WHERE name IN ({list}) ORDER BY name"
            ));
            let steps = batch.run(conn).await.unwrap();
            steps[select]
                .rows
                .iter()
                .map(|r| {
                    assert_eq!(r.get::<String, _>(3), "integer");
                    (r.get(0), r.get(1), r.get(2))
                })
                .collect()
        }
        let first = run(
            &mut conn,
            vec![
                ["王\"小明'".into(), 1.into(), None::<String>.into()],
                ["b".into(), 2.into(), "备注".into()],
            ],
            &["王\"小明'", "b", "absent"],
        )
        .await;
        assert_eq!(
            first,
            [
                ("b".to_owned(), 2, Some("备注".to_owned())),
                ("王\"小明'".to_owned(), 1, None),
            ]
        );
        let again = run(
            &mut conn,
            vec![["b".into(), 40.into(), None::<String>.into()]],
            &["b"],
        )
        .await;
        assert_eq!(again, [("b".to_owned(), 42, Some("备注".to_owned()))]);
        let none = run(&mut conn, Vec::new(), &[]).await;
        assert!(none.is_empty());
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

    /// On PostgreSQL each statement runs alone: its `?`s become `$1…` from one, and its
    /// lists and rows use PostgreSQL's JSON functions, integers cast back from text.
    #[test]
    fn a_postgres_batch_numbers_each_statement_and_speaks_its_json() {
        assert_eq!(numbered("SELECT ? , ?, 'a'"), "SELECT $1 , $2, 'a'");
        let mut batch = Batch::default().postgres(true);
        let list = batch.json_list("[\"a\"]");
        assert_eq!(
            list,
            "SELECT value FROM json_array_elements_text(CAST(? AS json))"
        );
        let rows = batch.json_rows([["s".into(), 2i64.into()]]);
        assert_eq!(
            rows,
            "SELECT value ->> 0, CAST(value ->> 1 AS BIGINT) \
             FROM json_array_elements(CAST(? AS json))"
        );
        let mut sqlite = Batch::default();
        assert_eq!(
            sqlite.json_rows([["s".into(), 2i64.into()]]),
            "SELECT value ->> 0, value ->> 1 FROM json_each(?)"
        );
    }
}
