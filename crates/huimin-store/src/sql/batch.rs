//! [`Batch`]: a booking group's statements, built with their values and run in order.

use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Either, Executor};

use crate::StoreError;

/// A query built at run time, through the `Any` driver.
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// One value of a [`Batch`]'s argument list.
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
}

impl Arg {
    /// Binds the value as the query's next argument.
    fn bind_to(self, query: AnyQuery<'_>) -> AnyQuery<'_> {
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

    fn has_nul(&self) -> bool {
        matches!(self, Arg::Text(Some(text)) if text.contains('\0'))
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

/// Texts as one JSON array, for [`Batch::json_list`]: serialised once, bound by every
/// statement that reads it.
#[derive(Clone, Debug)]
pub(crate) struct JsonList {
    json: String,
    /// One of the texts holds a NUL character ([`Batch::run`] refuses it on PostgreSQL).
    nul: bool,
}

impl JsonList {
    pub(crate) fn new<'v>(values: impl IntoIterator<Item = &'v str>) -> Self {
        let values: Vec<&str> = values.into_iter().collect();
        Self {
            nul: values.iter().any(|v| v.contains('\0')),
            json: serde_json::to_string(&values).unwrap_or_else(|_| "[]".into()),
        }
    }
}

/// What one statement of a batch gave: its rows, and the rows it changed (for a write).
#[derive(Default)]
pub(crate) struct Step {
    pub rows: Vec<AnyRow>,
    pub changed: u64,
}

/// Statements run in order in the caller's transaction, each value bound, never written into
/// the text. On SQLite they go as one text with one argument list, in one round trip to the
/// connection's thread: each round trip costs two thread wake-ups, which under a booking
/// rush took most of a group's time. Only SQLite runs several statements in one prepared
/// query, and sqlx 0.9 marks that as deprecated: should a later sqlx drop it, the tests in `batch/tests.rs`
/// fail, and booking groups fall back to a savepoint per request (which the API tests'
/// `finish` counts as a failure). On PostgreSQL ([`Self::postgres`]) each statement goes
/// alone with its own values, kept prepared on the connection.
#[derive(Default)]
pub(crate) struct Batch {
    sql: String,
    args: Vec<Arg>,
    /// Where each statement stands in `sql`, and the number of values added up to its end.
    statements: Vec<(std::ops::Range<usize>, usize)>,
    /// Whether the text is the same from one run to the next (its lists passed as JSON):
    /// the statements are then kept prepared.
    stable: bool,
    postgres: bool,
    /// A text value holds a NUL character.
    nul: bool,
}

impl Batch {
    /// Adds a value; its placeholder, a bare `?`. Values must be added in the order their
    /// placeholders stand in the text: sqlx hands bare `?`s their values in turn across the
    /// statements of a SQLite batch. (`$n` would name each value once, but SQLite looks every
    /// `$` name up among the statement's earlier ones, which is quadratic in a multi-row
    /// statement's hundreds of values; and sqlx cannot bind sparse `?n` numbers in later
    /// statements of a batch.) On PostgreSQL each statement's `?`s become `$1`, `$2`, ….
    pub(crate) fn arg(&mut self, value: impl Into<Arg>) -> &'static str {
        let value = value.into();
        self.nul |= value.has_nul();
        self.args.push(value);
        "?"
    }

    /// Adds a JSON array of texts as one value; its placeholder, a subquery listing them
    /// (`x IN ({})`). The statement's text then stays the same whatever the number of
    /// values, so a batch built only of such lists can be kept prepared ([`Self::stable`]).
    pub(crate) fn json_list(&mut self, list: &JsonList) -> String {
        self.nul |= list.nul;
        let array = self.arg(list.json.as_str());
        if self.postgres {
            format!("SELECT value FROM json_array_elements_text(CAST({array} AS json))")
        } else {
            format!("SELECT value FROM json_each({array})")
        }
    }

    /// Adds rows of `N` values as one JSON value; its placeholder, a row source of `N`
    /// columns (for `INSERT … SELECT` or a `WITH v(…) AS (…)`) whose text does not depend on
    /// the number of rows. JSON keeps each value's type: text, integer or null.
    ///
    /// SQLite: an array of arrays read by `jsonb_each`, which parses the text once and hands
    /// each row over in SQLite's binary JSON, where `->>` finds a value without parsing the
    /// row again. PostgreSQL: an array of objects read by `json_to_recordset`, which parses
    /// each row once into typed columns (integer columns known from the first row).
    pub(crate) fn json_rows<const N: usize>(
        &mut self,
        rows: impl IntoIterator<Item = [Arg; N]>,
    ) -> String {
        let mut rows = rows.into_iter().peekable();
        let mut integers = [false; N];
        if let Some(first) = rows.peek() {
            for (integer, arg) in integers.iter_mut().zip(first) {
                *integer = matches!(arg, Arg::Int(_));
            }
        }
        let postgres = self.postgres;
        let mut nul = false;
        let rows: Vec<serde_json::Value> = rows
            .map(|row| {
                nul |= row.iter().any(Arg::has_nul);
                let cells = row.into_iter().map(Arg::into_json);
                match postgres {
                    true => cells
                        .enumerate()
                        .map(|(n, cell)| (format!("c{n}"), cell))
                        .collect::<serde_json::Map<_, _>>()
                        .into(),
                    false => cells.collect(),
                }
            })
            .collect();
        self.nul |= nul;
        let json = self.arg(serde_json::Value::Array(rows).to_string());
        if postgres {
            let columns: Vec<String> = (0..N).map(|n| format!("c{n}")).collect();
            let types: Vec<String> = (0..N)
                .map(|n| match integers[n] {
                    true => format!("c{n} bigint"),
                    false => format!("c{n} text"),
                })
                .collect();
            format!(
                "SELECT {} FROM json_to_recordset(CAST({json} AS json)) AS r({})",
                columns.join(", "),
                types.join(", ")
            )
        } else {
            let columns: Vec<String> = (0..N).map(|n| format!("value ->> {n}")).collect();
            format!("SELECT {} FROM jsonb_each({json})", columns.join(", "))
        }
    }

    /// Marks the batch's text as independent of its values (only [`Self::json_list`]s,
    /// [`Self::json_rows`] and single values): its statements are kept prepared between runs.
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

    /// Runs every statement in order inside the caller's transaction, every value bound.
    pub(crate) async fn run(self, conn: &mut AnyConnection) -> Result<Vec<Step>, StoreError> {
        if self.postgres {
            return self.run_each(conn).await;
        }
        let expected = self.statements.len();
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.sql)).persistent(self.stable);
        for arg in self.args {
            query = arg.bind_to(query);
        }
        steps_of(conn.fetch_many(query), expected).await
    }

    /// PostgreSQL: each statement as a query of its own, its `?`s numbered `$1`, `$2`, … and
    /// its values bound (the extended protocol takes one statement per query). PostgreSQL's
    /// text cannot hold a NUL character: a batch with one is refused here, by name, rather
    /// than by a decoding error of the server.
    async fn run_each(self, conn: &mut AnyConnection) -> Result<Vec<Step>, StoreError> {
        if self.nul {
            return Err(StoreError::Batch(
                "a text value with a NUL character".into(),
            ));
        }
        let texts = self.numbered()?;
        let mut args = self.args.into_iter();
        let mut steps = Vec::with_capacity(texts.len());
        for (text, count) in texts {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(text)).persistent(self.stable);
            for arg in args.by_ref().take(count) {
                query = arg.bind_to(query);
            }
            steps.append(&mut steps_of(conn.fetch_many(query), 1).await?);
        }
        Ok(steps)
    }

    /// Each statement's text with its `?`s numbered from `$1`, and its number of values,
    /// checked against the values added for it. The statements have no `?` of their own
    /// (their values always go as placeholders).
    fn numbered(&self) -> Result<Vec<(String, usize)>, StoreError> {
        let mut texts = Vec::with_capacity(self.statements.len());
        let mut taken = 0;
        for (statement, end) in &self.statements {
            let mut text = String::with_capacity(statement.len() + 16);
            let mut placeholders = 0;
            for c in self.sql[statement.clone()].chars() {
                match c {
                    '?' => {
                        placeholders += 1;
                        text.push('$');
                        text.push_str(&placeholders.to_string());
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
            texts.push((text, placeholders));
            taken = *end;
        }
        if taken != self.args.len() {
            return Err(StoreError::Batch("more values than placeholders".into()));
        }
        Ok(texts)
    }
}

/// Each statement's rows and changed rows, from the answers to `expected` statements (every
/// statement ends with one count, a `SELECT`'s too).
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

#[cfg(test)]
mod tests;
