//! Statements built at run time: placeholder lists for `IN (…)` lists and multi-row `VALUES`
//! (their number of `$n` markers follows the rows), and [`Batch`], the
//! booking group's statements sent together with their values bound.

mod batch;

pub(crate) use batch::{Arg, Batch, JsonList, Step};

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

/// A query narrowed by `column IN (…)` conditions, with the values to bind in order.
pub(crate) struct InFilter {
    pub sql: String,
    pub binds: Vec<String>,
}

impl InFilter {
    /// `sql` ends in a `WHERE` clause the conditions are added to with `AND`.
    pub fn new(sql: String) -> Self {
        InFilter {
            sql,
            binds: Vec::new(),
        }
    }

    pub fn push_in(&mut self, column: &str, values: &[String]) {
        let marks = placeholders(self.binds.len() + 1, values.len());
        self.sql.push_str(&format!(" AND {column} IN ({marks})"));
        self.binds.extend(values.iter().cloned());
    }
}

/// Whether the connection is to PostgreSQL (whose locking reads SQLite does not have).
pub(crate) fn is_postgres(conn: &sqlx::AnyConnection) -> bool {
    conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME
}

#[cfg(test)]
mod tests {
    use super::{placeholders, tuples};

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
