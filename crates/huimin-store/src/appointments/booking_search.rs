//! Searches over the booking tables by their columns: clinic sessions, their slots and the
//! appointments (FHIR's `Schedule`, `Slot` and `Appointment` searches). Clauses are ANDed, the
//! conditions inside one clause ORed, as FHIR's `a=x&b=y` and `a=x,y`. Values are always
//! bound, never spliced into SQL text; only the fixed column names below are.

use sqlx::Row;

use super::sessions::{SESSION_COLUMNS, SLOT_COLUMNS, prefixed, session_at, slot_at};
use super::{APPOINTMENT_COLUMNS, AppointmentRecord, SessionRecord, SlotRecord};
// `appointment_from_row` reads the appointment's columns from the first one: they come first.
use crate::{Store, StoreError};

/// What a search reads: sessions (`c`), slots with their session (`s`, `c`), or appointments
/// with their slot and session (`a`, `s`, `c`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingTable {
    Sessions,
    Slots,
    Appointments,
}

impl BookingTable {
    /// The `FROM` clause of the table's rows.
    fn rows_clause(self) -> &'static str {
        match self {
            Self::Sessions => "FROM clinic_sessions c",
            Self::Slots => "FROM slots s JOIN clinic_sessions c ON c.id = s.session_id",
            Self::Appointments => {
                "FROM appointments a JOIN slots s ON s.id = a.slot_id \
                 JOIN clinic_sessions c ON c.id = a.session_id"
            }
        }
    }

    /// The column that names a row of the table (the last key of every order).
    fn id(self) -> Field {
        match self {
            Self::Sessions => Field::SessionId,
            Self::Slots => Field::SlotId,
            Self::Appointments => Field::AppointmentId,
        }
    }

    /// Whether `field` can be read in this table's query.
    pub fn has(self, field: Field) -> bool {
        match field.table() {
            Self::Sessions => true,
            Self::Slots => self != Self::Sessions,
            Self::Appointments => self == Self::Appointments,
        }
    }
}

/// A column, or a value computed from columns, of the booking tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    SessionId,
    /// The doctor's post (PractitionerRole) of the session.
    Role,
    /// The consulting room (Location) of the session.
    Room,
    Department,
    /// `morning`, `afternoon`, `evening`.
    Period,
    /// `active` or `suspended`.
    SessionStatus,
    SessionStart,
    SessionEnd,
    SlotId,
    SlotStart,
    /// The FHIR Slot status, computed from its counters and its session as
    /// `huimin_domain::appointments::slot_status` does.
    SlotStatus,
    AppointmentId,
    Patient,
    AppointmentStatus,
    AppointmentUpdated,
}

impl Field {
    fn table(self) -> BookingTable {
        match self {
            Self::SessionId
            | Self::Role
            | Self::Room
            | Self::Department
            | Self::Period
            | Self::SessionStatus
            | Self::SessionStart
            | Self::SessionEnd => BookingTable::Sessions,
            Self::SlotId | Self::SlotStart | Self::SlotStatus => BookingTable::Slots,
            Self::AppointmentId
            | Self::Patient
            | Self::AppointmentStatus
            | Self::AppointmentUpdated => BookingTable::Appointments,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Self::SessionId => "c.id",
            Self::Role => "c.practitioner_role_id",
            Self::Room => "c.room_id",
            Self::Department => "c.department_id",
            Self::Period => "c.period",
            Self::SessionStatus => "c.status",
            Self::SessionStart => "c.starts_at",
            Self::SessionEnd => "c.ends_at",
            Self::SlotId => "s.id",
            Self::SlotStart => "s.starts_at",
            Self::SlotStatus => {
                "(CASE WHEN c.status <> 'active' THEN 'busy-unavailable' \
                 WHEN s.booked >= s.capacity THEN 'busy' \
                 WHEN s.booked + s.held >= s.capacity THEN 'busy-tentative' ELSE 'free' END)"
            }
            Self::AppointmentId => "a.id",
            Self::Patient => "a.patient_id",
            Self::AppointmentStatus => "a.status",
            Self::AppointmentUpdated => "a.updated_at",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn sql(self) -> &'static str {
        match self {
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }
}

/// One condition on a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    /// The field equals the text.
    Is(Field, String),
    /// The field (an instant in µs) compares so with the value.
    At(Field, Cmp, i64),
    /// The field has a value (`:missing=false`; negated, `:missing=true`).
    Present(Field),
    /// The session's department carries this identifier token in the resource search index
    /// (`system|code`, `*|code` or `system|`), e.g. its national department code.
    DepartmentToken(String),
    /// Every one of these.
    All(Vec<Cond>),
    /// Nothing matches (a reference to a resource that cannot be here).
    Never,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingClause {
    pub any_of: Vec<Cond>,
    /// `:not`, `ne`: no condition holds.
    pub negated: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingQuery {
    pub table: BookingTable,
    pub clauses: Vec<BookingClause>,
    /// Sort keys (field, descending); the row's id always ends the order, so pages neither
    /// repeat nor skip a row.
    pub sort: Vec<(Field, bool)>,
    pub count: u32,
    pub offset: u32,
}

/// A page of rows and how many match in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingPage<T> {
    pub total: i64,
    pub rows: Vec<T>,
}

/// SQL text with numbered placeholders and their arguments.
#[derive(Default)]
struct Args {
    values: Vec<Arg>,
}

enum Arg {
    Text(String),
    Int(i64),
}

impl Args {
    fn push(&mut self, arg: Arg) -> String {
        self.values.push(arg);
        format!("${}", self.values.len())
    }

    fn bind<'q>(
        &self,
        mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        for value in &self.values {
            query = match value {
                Arg::Text(text) => query.bind(text.clone()),
                Arg::Int(n) => query.bind(*n),
            };
        }
        query
    }
}

fn cond_sql(table: BookingTable, cond: &Cond, args: &mut Args) -> Result<String, StoreError> {
    let column = |field: Field| {
        if table.has(field) {
            Ok(field.sql())
        } else {
            Err(StoreError::Corrupt(format!(
                "{field:?} is not a column of {table:?}"
            )))
        }
    };
    Ok(match cond {
        Cond::Is(field, value) => {
            format!(
                "{} = {}",
                column(*field)?,
                args.push(Arg::Text(value.clone()))
            )
        }
        Cond::At(field, cmp, micros) => format!(
            "{} {} {}",
            column(*field)?,
            cmp.sql(),
            args.push(Arg::Int(*micros))
        ),
        Cond::Present(field) => format!("{} IS NOT NULL", column(*field)?),
        Cond::DepartmentToken(token) => format!(
            "c.department_id IN (SELECT t.id FROM search_tokens t WHERE \
             t.resource_type = 'Organization' AND t.param = 'identifier' AND t.value = {})",
            args.push(Arg::Text(token.clone()))
        ),
        Cond::All(parts) => {
            let parts = parts
                .iter()
                .map(|p| cond_sql(table, p, args).map(|s| format!("({s})")))
                .collect::<Result<Vec<_>, _>>()?;
            if parts.is_empty() {
                "1 = 1".to_owned()
            } else {
                parts.join(" AND ")
            }
        }
        Cond::Never => "1 = 0".to_owned(),
    })
}

/// The `WHERE` text of a query (`1 = 1` for none) and its arguments.
fn where_sql(query: &BookingQuery) -> Result<(String, Args), StoreError> {
    let mut args = Args::default();
    let mut parts = Vec::new();
    for clause in &query.clauses {
        let alternatives = clause
            .any_of
            .iter()
            .map(|c| cond_sql(query.table, c, &mut args).map(|s| format!("({s})")))
            .collect::<Result<Vec<_>, _>>()?;
        let any = if alternatives.is_empty() {
            "(1 = 0)".to_owned()
        } else {
            alternatives.join(" OR ")
        };
        // A NULL column makes `x = v` unknown: `NOT (unknown)` must still hold.
        parts.push(if clause.negated {
            format!("NOT COALESCE(({any}), 1 = 0)")
        } else {
            format!("({any})")
        });
    }
    let text = if parts.is_empty() {
        "1 = 1".to_owned()
    } else {
        parts.join(" AND ")
    };
    Ok((text, args))
}

fn order_sql(query: &BookingQuery) -> Result<String, StoreError> {
    let id = query.table.id();
    let mut parts = Vec::new();
    for (field, descending) in &query.sort {
        if !query.table.has(*field) {
            return Err(StoreError::Corrupt(format!("cannot sort on {field:?}")));
        }
        let direction = if *descending { "DESC" } else { "ASC" };
        parts.push(format!("{} {direction}", field.sql()));
        if *field == id {
            return Ok(parts.join(", "));
        }
    }
    parts.push(format!("{} ASC", id.sql()));
    Ok(parts.join(", "))
}

impl Store {
    async fn booking_rows(
        &self,
        query: &BookingQuery,
        columns: &str,
    ) -> Result<(i64, Vec<sqlx::any::AnyRow>), StoreError> {
        let (filter, args) = where_sql(query)?;
        let from = query.table.rows_clause();
        let count_text = format!("SELECT COUNT(*) {from} WHERE {filter}");
        let total: i64 = args
            .bind(sqlx::query(sqlx::AssertSqlSafe(count_text)))
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        if query.count == 0 {
            return Ok((total, Vec::new()));
        }
        let page_text = format!(
            "SELECT {columns} {from} WHERE {filter} ORDER BY {} LIMIT {} OFFSET {}",
            order_sql(query)?,
            query.count,
            query.offset
        );
        let rows = args
            .bind(sqlx::query(sqlx::AssertSqlSafe(page_text)))
            .fetch_all(&self.pool)
            .await?;
        Ok((total, rows))
    }

    /// Clinic sessions matching the query.
    pub async fn search_sessions(
        &self,
        query: &BookingQuery,
    ) -> Result<BookingPage<SessionRecord>, StoreError> {
        let mut query = query.clone();
        query.table = BookingTable::Sessions;
        let columns = prefixed(SESSION_COLUMNS, "c");
        let (total, rows) = self.booking_rows(&query, &columns).await?;
        let rows = rows
            .iter()
            .map(|row| session_at(row, 0))
            .collect::<Result<_, _>>()?;
        Ok(BookingPage { total, rows })
    }

    /// Slots matching the query, each with its session.
    pub async fn search_slots(
        &self,
        query: &BookingQuery,
    ) -> Result<BookingPage<(SessionRecord, SlotRecord)>, StoreError> {
        let mut query = query.clone();
        query.table = BookingTable::Slots;
        let columns = format!(
            "{}, {}",
            prefixed(SESSION_COLUMNS, "c"),
            prefixed(SLOT_COLUMNS, "s")
        );
        let width = SESSION_COLUMNS.split(", ").count();
        let (total, rows) = self.booking_rows(&query, &columns).await?;
        let rows = rows
            .iter()
            .map(|row| Ok((session_at(row, 0)?, slot_at(row, width)?)))
            .collect::<Result<_, StoreError>>()?;
        Ok(BookingPage { total, rows })
    }

    /// Appointments matching the query, each with its slot and session.
    pub async fn search_appointments(
        &self,
        query: &BookingQuery,
    ) -> Result<BookingPage<(AppointmentRecord, SlotRecord, SessionRecord)>, StoreError> {
        let mut query = query.clone();
        query.table = BookingTable::Appointments;
        let columns = format!(
            "{}, {}, {}",
            prefixed(APPOINTMENT_COLUMNS, "a"),
            prefixed(SLOT_COLUMNS, "s"),
            prefixed(SESSION_COLUMNS, "c")
        );
        let width_a = APPOINTMENT_COLUMNS.split(", ").count();
        let width_s = SLOT_COLUMNS.split(", ").count();
        let (total, rows) = self.booking_rows(&query, &columns).await?;
        let rows = rows
            .iter()
            .map(|row| {
                Ok((
                    super::appointment_from_row(row)?,
                    slot_at(row, width_a)?,
                    session_at(row, width_a + width_s)?,
                ))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(BookingPage { total, rows })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(table: BookingTable, clauses: Vec<BookingClause>) -> BookingQuery {
        BookingQuery {
            table,
            clauses,
            sort: Vec::new(),
            count: 10,
            offset: 0,
        }
    }

    #[test]
    fn clauses_and_conditions_combine_as_fhir_reads_them() {
        let q = query(
            BookingTable::Slots,
            vec![
                BookingClause {
                    any_of: vec![
                        Cond::Is(Field::SessionId, "a".into()),
                        Cond::Is(Field::SessionId, "b".into()),
                    ],
                    negated: false,
                },
                BookingClause {
                    any_of: vec![Cond::At(Field::SlotStart, Cmp::Ge, 5)],
                    negated: true,
                },
            ],
        );
        let (text, args) = where_sql(&q).unwrap();
        assert_eq!(
            text,
            "((c.id = $1) OR (c.id = $2)) AND NOT COALESCE(((s.starts_at >= $3)), 1 = 0)"
        );
        assert_eq!(args.values.len(), 3);
    }

    #[test]
    fn a_column_outside_the_table_is_refused_not_sent() {
        let q = query(
            BookingTable::Sessions,
            vec![BookingClause {
                any_of: vec![Cond::Is(Field::Patient, "p".into())],
                negated: false,
            }],
        );
        assert!(where_sql(&q).is_err());
    }

    #[test]
    fn every_order_ends_with_the_rows_id() {
        let mut q = query(BookingTable::Slots, Vec::new());
        assert_eq!(order_sql(&q).unwrap(), "s.id ASC");
        q.sort = vec![(Field::SlotStart, true)];
        assert_eq!(order_sql(&q).unwrap(), "s.starts_at DESC, s.id ASC");
        q.sort = vec![(Field::SlotId, true), (Field::SlotStart, false)];
        assert_eq!(order_sql(&q).unwrap(), "s.id DESC");
    }
}
