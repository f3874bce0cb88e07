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
/// goes as one simple query, its values written into the text as literals.
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
    /// `SELECT value ->> 0, …, value ->> N-1 FROM jsonb_each(?)` (for `INSERT … SELECT` or a
    /// `WITH v(…) AS (…)`), whose text does not depend on the number of rows. JSON keeps
    /// each value's type: text, integer or null. On SQLite `jsonb_each` parses the text once
    /// and hands each row over in SQLite's binary JSON, where `->>` finds a value without
    /// parsing the row again (with `json_each`, each `->>` parsed its row's text anew, and
    /// multi-row `VALUES` were faster; those change text with the number of rows, so SQLite
    /// prepared them afresh each time).
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
            format!("SELECT {} FROM jsonb_each({json})", columns.join(", "))
        }
    }

    /// Marks the batch's text as independent of its values (only [`Self::json_list`]s and
    /// single values): SQLite keeps its statements prepared between runs.
    pub(crate) fn stable(mut self) -> Self {
        self.stable = true;
        self
    }

    /// A batch for PostgreSQL: its lists and rows in PostgreSQL's JSON functions, its
    /// statements sent as one text with their values written in.
    pub(crate) fn postgres(mut self, postgres: bool) -> Self {
        self.postgres = postgres;
        self
    }

    /// Whether the batch is for PostgreSQL ([`Self::postgres`]).
    pub(crate) fn for_postgres(&self) -> bool {
        self.postgres
    }

    /// Adds rows of `N` values for an `INSERT`; its row source. PostgreSQL reads multi-row
    /// `VALUES` faster than JSON rows (kept prepared, JSON made a group's insert of 180
    /// appointments 5.2 ms against 3.0 ms, session 12); SQLite takes them as
    /// [`Self::json_rows`], whose text does not change with the number of rows, so the batch
    /// can stay prepared ([`Self::stable`]).
    pub(crate) fn row_source<const N: usize>(
        &mut self,
        rows: impl IntoIterator<Item = [Arg; N]>,
    ) -> String {
        if !self.postgres {
            return self.json_rows(rows);
        }
        let rows: Vec<String> = rows.into_iter().map(|row| self.row(row)).collect();
        format!("VALUES {}", rows.join(", "))
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
    ///
    /// PostgreSQL gets every statement in one text with its values written in as literals
    /// ([`literal`]), sent as one simple query, so the batch costs one round trip, as on
    /// SQLite. Run one at a time with bound values, a booking group's statements were about
    /// 27 round trips (a statement not kept prepared costs two), each waiting for the
    /// group's thread and then the database backend to get a core back from the HTTP crowd:
    /// on the 2-core development VM 8–36 ms of a group's 30–85 ms. A simple query's
    /// statements are planned afresh each time, as the group's bound ones mostly were (a
    /// statement bound fewer than six times on a connection gets a custom plan).
    pub(crate) async fn run(self, conn: &mut AnyConnection) -> Result<Vec<Step>, StoreError> {
        let expected = self.statements.len();
        if self.postgres {
            let text = self.with_literals()?;
            let stream = conn.fetch_many(sqlx::raw_sql(sqlx::AssertSqlSafe(text)));
            return steps_of(stream, expected).await;
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.sql)).persistent(self.stable);
        for arg in self.args {
            query = arg.bind_to(query);
        }
        steps_of(conn.fetch_many(query), expected).await
    }

    /// The batch's text with each `?` replaced by its value's [`literal`], in order, each
    /// statement's count of placeholders checked against the values added for it. The
    /// batch's statements have no `?` of their own (their values always go as
    /// placeholders), and a value written in is never read again for placeholders.
    fn with_literals(&self) -> Result<String, StoreError> {
        let mut args = self.args.iter();
        let mut text = String::with_capacity(self.sql.len() + 64 * self.args.len());
        let mut taken = 0;
        for (statement, end) in &self.statements {
            let mut placeholders = 0;
            for c in self.sql[statement.clone()].chars() {
                match c {
                    '?' => {
                        let arg = args.next().ok_or_else(|| {
                            StoreError::Batch("more placeholders than values".into())
                        })?;
                        literal(&mut text, arg)?;
                        placeholders += 1;
                    }
                    c => text.push(c),
                }
            }
            if placeholders != end - taken {
                return Err(StoreError::Batch(format!(
                    "a statement with {placeholders} placeholders for {} values",
                    end - taken
                )));
            }
            taken = *end;
            text.push_str(";\n");
        }
        if args.next().is_some() {
            return Err(StoreError::Batch("more values than placeholders".into()));
        }
        Ok(text)
    }
}

/// Each statement's rows and changed rows, from the answers to a batch of `expected`
/// statements (every statement ends with one count, a `SELECT`'s too).
async fn steps_of(
    mut stream: futures_util::stream::BoxStream<
        '_,
        Result<Either<sqlx::any::AnyQueryResult, AnyRow>, sqlx::Error>,
    >,
    expected: usize,
) -> Result<Vec<Step>, StoreError> {
    let mut steps = Vec::with_capacity(expected);
    let mut current = Step::default();
    while let Some(item) = stream.try_next().await? {
        match item {
            Either::Right(row) => current.rows.push(row),
            Either::Left(done) => {
                current.changed = done.rows_affected();
                steps.push(std::mem::take(&mut current));
            }
        }
    }
    if steps.len() != expected {
        return Err(StoreError::Batch(format!(
            "{} of {expected} statements answered",
            steps.len()
        )));
    }
    Ok(steps)
}

/// Writes a value into `text` as a PostgreSQL literal of its type: text as an escape string
/// (`E'…'`, whose meaning does not depend on `standard_conforming_strings`: backslashes and
/// quotes doubled), integers and nulls as casts. PostgreSQL's text cannot hold a NUL
/// character, which would also end the query's text early: a value with one is refused, as
/// PostgreSQL refuses it bound.
fn literal(text: &mut String, arg: &Arg) -> Result<(), StoreError> {
    use std::fmt::Write;
    match arg {
        Arg::Text(Some(value)) => {
            if value.contains('\0') {
                return Err(StoreError::Batch(
                    "a text value with a NUL character".into(),
                ));
            }
            text.push_str("E'");
            for c in value.chars() {
                match c {
                    '\\' => text.push_str("\\\\"),
                    '\'' => text.push_str("''"),
                    c => text.push(c),
                }
            }
            text.push('\'');
        }
        // As a cast: a negative number after a `-` would read as a comment (`--1`), and a bare
        // number is typed by its size.
        Arg::Int(Some(n)) => {
            let _ = write!(text, "CAST({n} AS BIGINT)");
        }
        Arg::Text(None) => text.push_str("CAST(NULL AS TEXT)"),
        Arg::Int(None) => text.push_str("CAST(NULL AS BIGINT)"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Arg, Batch, json_array, placeholders, tuples};
    use sqlx::{AnyConnection, Connection, Row};

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

    /// On PostgreSQL the values are written into the text, and the lists and rows use
    /// PostgreSQL's JSON functions, integers cast back from text.
    #[test]
    fn a_postgres_batch_writes_its_values_in_and_speaks_its_json() {
        let mut batch = Batch::default().postgres(true);
        let (a, b, c) = (
            batch.arg("it's \\ ?"),
            batch.arg(-3i64),
            batch.arg(None::<i64>),
        );
        batch.push(&format!("SELECT {a}, {b}, {c}"));
        assert_eq!(
            batch.with_literals().unwrap(),
            "SELECT E'it''s \\\\ ?', CAST(-3 AS BIGINT), CAST(NULL AS BIGINT);\n"
        );
        batch.arg(1i64);
        assert!(
            batch.with_literals().is_err(),
            "a value without a placeholder"
        );
        // Each statement's own values: one short here and one over there is refused too.
        let mut batch = Batch::default().postgres(true);
        batch.arg(1i64);
        batch.push("SELECT 1");
        batch.push("SELECT ?");
        assert!(
            batch.with_literals().is_err(),
            "values shifted between statements"
        );
        let mut batch = Batch::default().postgres(true);
        let nul = batch.arg("a\0b");
        batch.push(&format!("SELECT {nul}"));
        assert!(batch.with_literals().is_err(), "a NUL character");
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
            "SELECT value ->> 0, value ->> 1 FROM jsonb_each(?)"
        );
    }

    /// An insert's rows: multi-row `VALUES` for PostgreSQL, a JSON row source (the same text
    /// for any number of rows) for SQLite.
    #[test]
    fn row_sources_follow_the_database() {
        let rows = || [["a".into(), 1i64.into()], ["b".into(), 2i64.into()]];
        let mut postgres = Batch::default().postgres(true);
        assert_eq!(postgres.row_source(rows()), "VALUES (?, ?), (?, ?)");
        let mut sqlite = Batch::default();
        let one = sqlite.row_source([["a".into(), 1i64.into()]]);
        assert_eq!(sqlite.row_source(rows()), one);
        assert_eq!(one, "SELECT value ->> 0, value ->> 1 FROM jsonb_each(?)");
    }

    /// PostgreSQL at `HUIMIN_TEST_POSTGRES_URL`, or where the API tests find it.
    async fn postgres() -> AnyConnection {
        sqlx::any::install_default_drivers();
        let url = std::env::var("HUIMIN_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        AnyConnection::connect(&url)
            .await
            .expect("PostgreSQL at 127.0.0.1:5432 (see README)")
    }

    /// Every text comes back from PostgreSQL exactly as it went in, whatever quotes,
    /// backslashes, placeholders, comment marks or dollar quotes it holds, and whether
    /// `standard_conforming_strings` is on or off: the values written into a batch's text
    /// cannot change the statement.
    #[tokio::test]
    async fn postgres_reads_every_literal_back_as_its_value() {
        let mut conn = postgres().await;
        let mut texts: Vec<String> = [
            "",
            "'",
            "''",
            "\\",
            "\\'",
            "'; DROP TABLE x; --",
            "?",
            "$1",
            "$$",
            "$a$ $a$",
            "/* */",
            "--",
            "E'x'",
            "\\x41",
            "\n",
            "line\nbreak",
            "tab\t",
            "病人 王小明",
            "🙂",
            "' OR '1'='1",
            "\\\\''\\'",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        // Random texts of every printable ASCII character and some beyond.
        let alphabet: Vec<char> = (' '..='~').chain(['\n', '\t', '中', 'é']).collect();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..200 {
            let mut text = String::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            texts.push(text);
        }
        for conforming in ["on", "off"] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "SET standard_conforming_strings = {conforming}"
            )))
            .execute(&mut conn)
            .await
            .unwrap();
            for chunk in texts.chunks(50) {
                let mut batch = Batch::default().postgres(true);
                for text in chunk {
                    let (value, number) = (batch.arg(text.as_str()), batch.arg(-7i64));
                    batch.push(&format!("SELECT {value}, {number}"));
                }
                let steps = batch.run(&mut conn).await.unwrap();
                assert_eq!(steps.len(), chunk.len());
                for (step, text) in steps.iter().zip(chunk) {
                    let row = &step.rows[0];
                    assert_eq!(&row.try_get::<String, _>(0).unwrap(), text);
                    assert_eq!(row.try_get::<i64, _>(1).unwrap(), -7);
                }
            }
        }
    }
}
