//! What the last booking groups left in their slots and sessions (SQLite only).
//!
//! A group used to read every slot it books in, with its session, pools and the queue numbers
//! in use: in a booking rush, the same couple of hundred slots group after group. The group
//! writer now keeps what its own commits left there and reads only the slots it does not know.
//!
//! What it keeps is current only while nothing else writes the database, and that is proven at
//! each group, not assumed. Every write of this process goes through the one writer connection,
//! whose `total_changes()` counts the rows every statement changed (also those of a statement
//! later rolled back), and `PRAGMA data_version` changes when any other connection (another
//! process, a `huimin` command) commits. Both are read in the group's first batch, after its
//! first statement took the write lock, with the connection's name (a temporary table, so a
//! replaced connection cannot pass for the old one). When the three are not exactly what the
//! last group's commit left ([`Mark`]), nothing kept is used: the group reads everything again.
//! The counter updates keep their `<= capacity` conditions as a second guard.
//!
//! `total_changes()` counts rows changed by `INSERT`, `UPDATE` and `DELETE`, not schema
//! changes: a migration run at runtime on the writer connection would have to call
//! [`KnownPlaces::forget`] (today migrations run on another connection before the writer opens,
//! and `data_version` would see them).
//!
//! PostgreSQL keeps nothing: other processes book there without telling this one.

use std::collections::HashMap;
use std::sync::Arc;

use huimin_domain::appointments::{Ledger, SessionLedger, SlotLedger};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::booking::TakenIn;
use super::sessions::{SessionRecord, SlotRecord};
use crate::StoreError;

/// At most this many slots are kept; past it the memory starts again (a group re-reads what
/// it needs). A rush books in a few hundred slots; a day's sessions of a large hospital are a
/// few thousand.
const MAX_KEPT_SLOTS: usize = 20_000;

/// Names a new writer connection with a temporary table (run when it connects, `db.rs`), so
/// that a connection that replaced it cannot pass for it.
pub(crate) fn name_writer_statement() -> String {
    format!(
        "CREATE TEMP TABLE booking_writer AS SELECT '{}' AS name",
        uuid::Uuid::new_v4()
    )
}

/// Reads the [`Mark`]: the connection's name, its changed rows, the file's data version.
pub(crate) const MARK_QUERY: &str = "SELECT (SELECT name FROM temp.booking_writer), \
     total_changes(), (SELECT data_version FROM pragma_data_version)";

/// Reads the rows changed so far by the connection (the last statement of a group's writes).
pub(crate) const CHANGES_QUERY: &str = "SELECT total_changes()";

/// Where the database stood when the group writer last knew its slots: on which connection,
/// after how many changed rows, at which data version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mark {
    connection: String,
    changes: i64,
    data_version: i64,
}

impl Mark {
    /// From a row of [`MARK_QUERY`].
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        let connection: Option<String> = row.try_get(0)?;
        Ok(Self {
            connection: connection
                .ok_or_else(|| StoreError::Corrupt("the writer connection has no name".into()))?,
            changes: row.try_get(1)?,
            data_version: row.try_get(2)?,
        })
    }

    /// The rows the connection had changed.
    pub(crate) fn changes(&self) -> i64 {
        self.changes
    }

    /// The same place after `changes` rows changed in total (by the group's own writes).
    pub(crate) fn after(&self, changes: i64) -> Self {
        Self {
            changes,
            ..self.clone()
        }
    }
}

/// A slot as the last commit left it.
#[derive(Clone, Debug)]
pub(crate) struct KnownSlot {
    pub(crate) ledger: SlotLedger,
    pub(crate) record: SlotRecord,
    /// The earliest expiry of a pending hold in it.
    pub(crate) earliest_hold: Option<i64>,
}

/// A session as the last commit left it.
#[derive(Clone, Debug)]
pub(crate) struct KnownSession {
    pub(crate) ledger: SessionLedger,
    pub(crate) record: Arc<SessionRecord>,
}

/// The slots and sessions the group writer knows, valid at [`Mark`].
#[derive(Debug, Default)]
pub(crate) struct KnownPlaces {
    mark: Option<Mark>,
    slots: HashMap<String, KnownSlot>,
    sessions: HashMap<String, KnownSession>,
}

/// What a group leaves behind once it commits: its slots and their sessions, at its mark.
#[derive(Debug, Default)]
pub(crate) struct LeftBehind {
    pub(crate) mark: Option<Mark>,
    /// `true` when the group read every slot, so nothing older may be kept.
    pub(crate) read_afresh: bool,
    pub(crate) slots: Vec<(String, KnownSlot)>,
    pub(crate) sessions: Vec<(String, KnownSession)>,
}

impl KnownPlaces {
    /// The mark the kept places are valid at, if any are kept.
    pub(crate) fn mark(&self) -> Option<&Mark> {
        self.mark.as_ref()
    }

    /// The kept slot `id` with its session, when both are kept.
    pub(crate) fn place(&self, id: &str) -> Option<(&KnownSlot, &KnownSession)> {
        let slot = self.slots.get(id)?;
        Some((slot, self.sessions.get(&slot.ledger.session_id)?))
    }

    /// Forgets everything: a group failed, or its commit may not have happened.
    pub(crate) fn forget(&mut self) {
        *self = Self::default();
    }

    /// After a committed group: its slots and sessions replace the kept ones, all now valid at
    /// the group's mark (the group changed only its own slots and their sessions' pools). A
    /// group that read everything afresh found the old ones stale: they go.
    pub(crate) fn remember(&mut self, left: LeftBehind) {
        let Some(mark) = left.mark else {
            self.forget();
            return;
        };
        if left.read_afresh || self.slots.len() + left.slots.len() > MAX_KEPT_SLOTS {
            self.forget();
        }
        self.mark = Some(mark);
        self.slots.extend(left.slots);
        self.sessions.extend(left.sessions);
    }
}

/// What the group leaves in the slots it decided, at `mark`: `ledger` holds their counters
/// after its places, `records` the rows as read (their counters are brought up to the
/// ledger's). Taken by value: the group is done with its ledger. The slots' records are
/// copied, since the group's answers share the ones read; the sessions' stay shared.
pub(crate) fn left_behind(
    mark: Mark,
    read_afresh: bool,
    mut ledger: Ledger,
    records: HashMap<String, Arc<TakenIn>>,
    earliest_hold: &HashMap<String, i64>,
) -> LeftBehind {
    let mut slots = Vec::with_capacity(records.len());
    let mut sessions: HashMap<String, KnownSession> = HashMap::new();
    for (id, taken_in) in records {
        // The group's answers share the slots' records as read: the kept ones are copies,
        // brought up to the ledger's counters. Sessions stay shared.
        let TakenIn {
            slot: mut record,
            session,
        } = Arc::unwrap_or_clone(taken_in);
        let Some(slot_ledger) = ledger.slots.remove(&id) else {
            continue;
        };
        if !sessions.contains_key(&session.id) {
            let Some(session_ledger) = ledger.sessions.remove(&session.id) else {
                continue;
            };
            let known = KnownSession {
                ledger: session_ledger,
                record: session,
            };
            sessions.insert(known.record.id.clone(), known);
        }
        record.booked = slot_ledger.booked;
        record.held = slot_ledger.held;
        let earliest_hold = earliest_hold.get(&id).copied();
        let known = KnownSlot {
            ledger: slot_ledger,
            record,
            earliest_hold,
        };
        slots.push((id, known));
    }
    LeftBehind {
        mark: Some(mark),
        read_afresh,
        slots,
        sessions: sessions.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use huimin_domain::appointments::{Period, SessionFacts};

    use super::*;

    fn mark(changes: i64) -> Mark {
        Mark {
            connection: "writer".into(),
            changes,
            data_version: 1,
        }
    }

    fn session(id: &str) -> (String, KnownSession) {
        let facts = SessionFacts {
            hospital: "h".into(),
            department: "d".into(),
            date: jiff::civil::date(2030, 3, 11),
            period: Period::Morning,
            active: true,
            release_at: 0,
            ends_at: 1,
            reserved_release_at: 0,
        };
        let record = SessionRecord {
            id: id.into(),
            hospital_id: "h".into(),
            department_id: "d".into(),
            practitioner_role_id: None,
            room_id: None,
            session_date: "2030-03-11".into(),
            period: "morning".into(),
            starts_at: 0,
            ends_at: 1,
            registration_class: "general".into(),
            fee_fen: 0,
            status: "active".into(),
            release_at: 0,
            reserved_release_at: 0,
        };
        let ledger = SessionLedger {
            facts,
            pools: HashMap::new(),
        };
        let record = Arc::new(record);
        (id.into(), KnownSession { ledger, record })
    }

    fn slot(id: &str, session: &str, booked: i64) -> (String, KnownSlot) {
        let ledger = SlotLedger {
            session_id: session.into(),
            starts_at: 0,
            capacity: 2,
            booked,
            held: 0,
            first_queue_number: 1,
            taken_numbers: BTreeSet::new(),
        };
        let record = SlotRecord {
            id: id.into(),
            session_id: session.into(),
            starts_at: 0,
            ends_at: 1,
            capacity: 2,
            booked,
            held: 0,
            first_queue_number: 1,
            extra: false,
        };
        let known = KnownSlot {
            ledger,
            record,
            earliest_hold: None,
        };
        (id.into(), known)
    }

    fn left(changes: Option<i64>, read_afresh: bool, slots: &[&str]) -> LeftBehind {
        LeftBehind {
            mark: changes.map(mark),
            read_afresh,
            slots: slots.iter().map(|id| slot(id, "s", 1)).collect(),
            sessions: vec![session("s")],
        }
    }

    #[test]
    fn a_commit_adds_its_slots_to_those_still_current() {
        let mut known = KnownPlaces::default();
        known.remember(left(Some(10), true, &["a"]));
        known.remember(left(Some(12), false, &["b"]));
        assert_eq!(known.mark(), Some(&mark(12)));
        assert!(known.place("a").is_some() && known.place("b").is_some());
        assert!(known.place("c").is_none());
    }

    #[test]
    fn a_group_that_read_afresh_or_has_no_mark_drops_the_older_slots() {
        let mut known = KnownPlaces::default();
        known.remember(left(Some(10), true, &["a"]));
        known.remember(left(Some(20), true, &["b"]));
        assert!(known.place("a").is_none());
        assert!(known.place("b").is_some());
        known.remember(left(None, false, &["c"]));
        assert_eq!(known.mark(), None);
        assert!(known.place("b").is_none() && known.place("c").is_none());
    }

    #[test]
    fn a_slot_without_its_session_is_not_known_and_forget_drops_all() {
        let mut known = KnownPlaces::default();
        let mut orphan = left(Some(1), true, &["a"]);
        orphan.sessions.clear();
        known.remember(orphan);
        assert!(known.place("a").is_none());
        known.remember(left(Some(2), false, &["b"]));
        known.forget();
        assert_eq!(known.mark(), None);
        assert!(known.place("b").is_none());
    }

    #[test]
    fn a_group_leaves_its_slots_with_the_ledger_counters_and_each_session_once() {
        let (_, session_s) = session("s");
        let mut ledger = Ledger::default();
        let mut records = HashMap::new();
        // The group's answers hold the slots as read.
        let mut answers = Vec::new();
        for (id, booked) in [("a", 2), ("b", 1)] {
            let (_, read) = slot(id, "s", 0);
            let mut after = read.ledger.clone();
            after.booked = booked;
            ledger.slots.insert(id.into(), after);
            let taken_in = Arc::new(TakenIn {
                slot: read.record,
                session: Arc::clone(&session_s.record),
            });
            answers.push(Arc::clone(&taken_in));
            records.insert(id.into(), taken_in);
        }
        ledger.sessions.insert("s".into(), session_s.ledger.clone());
        let earliest = HashMap::from([("a".to_owned(), 42)]);
        let mut left = left_behind(mark(5), false, ledger, records, &earliest);
        left.slots.sort_by(|x, y| x.0.cmp(&y.0));
        let booked: Vec<(i64, i64)> = left
            .slots
            .iter()
            .map(|(_, k)| (k.ledger.booked, k.record.booked))
            .collect();
        assert_eq!(booked, [(2, 2), (1, 1)]);
        assert_eq!(left.slots[0].1.earliest_hold, Some(42));
        assert_eq!(left.slots[1].1.earliest_hold, None);
        assert_eq!(left.sessions.len(), 1);
        assert!(Arc::ptr_eq(&left.sessions[0].1.record, &session_s.record));
        assert_eq!(left.mark, Some(mark(5)));
        // What the answers hold is what the group read: before its places were taken.
        assert!(answers.iter().all(|a| a.slot.booked == 0));
    }

    #[test]
    fn a_mark_moves_only_its_count_of_changes() {
        let moved = mark(3).after(7);
        assert_eq!(moved.changes(), 7);
        assert_eq!(moved, mark(7));
    }
}
