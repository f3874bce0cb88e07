//! The events patients are told about, by their stable codes (the outbox's `kind` column and
//! the templates' table names).

/// One kind of event a patient hears about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    Booked,
    Cancelled,
    /// A held place (锁号) was not confirmed in time and went back to the pool.
    HoldLapsed,
    /// Stop-clinic (停诊) with no place to move to: the appointment is cancelled.
    SessionSuspended,
    /// Stop-clinic that moved the appointment to another session.
    SessionSuspendedMoved,
    /// A triage move (改派) to another doctor or room.
    Moved,
    WaitlistOffer,
    WaitlistPromoted,
    WaitlistSkipped,
    /// Three (or the rule's number of) patients ahead in the line.
    ThreeAhead,
    Called,
    /// Called and not there (过号).
    Passed,
    Payment,
    Refund,
    /// A report became final: the patient may read it.
    ReportReady,
    /// A report became final: told to the doctor who ordered it.
    ReportReadyDoctor,
    /// A final report holds a critical value (危急值): told to the ordering doctor at once.
    CriticalValue,
    /// A critical value not acknowledged in time: told to the department head.
    CriticalEscalated,
}

impl EventKind {
    pub const ALL: [EventKind; 18] = [
        EventKind::Booked,
        EventKind::Cancelled,
        EventKind::HoldLapsed,
        EventKind::SessionSuspended,
        EventKind::SessionSuspendedMoved,
        EventKind::Moved,
        EventKind::WaitlistOffer,
        EventKind::WaitlistPromoted,
        EventKind::WaitlistSkipped,
        EventKind::ThreeAhead,
        EventKind::Called,
        EventKind::Passed,
        EventKind::Payment,
        EventKind::Refund,
        EventKind::ReportReady,
        EventKind::ReportReadyDoctor,
        EventKind::CriticalValue,
        EventKind::CriticalEscalated,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Booked => "booked",
            EventKind::Cancelled => "cancelled",
            EventKind::HoldLapsed => "hold-lapsed",
            EventKind::SessionSuspended => "session-suspended",
            EventKind::SessionSuspendedMoved => "session-suspended-moved",
            EventKind::Moved => "moved",
            EventKind::WaitlistOffer => "waitlist-offer",
            EventKind::WaitlistPromoted => "waitlist-promoted",
            EventKind::WaitlistSkipped => "waitlist-skipped",
            EventKind::ThreeAhead => "three-ahead",
            EventKind::Called => "called",
            EventKind::Passed => "passed",
            EventKind::Payment => "payment",
            EventKind::Refund => "refund",
            EventKind::ReportReady => "report-ready",
            EventKind::ReportReadyDoctor => "report-ready-doctor",
            EventKind::CriticalValue => "critical-value",
            EventKind::CriticalEscalated => "critical-escalated",
        }
    }

    pub fn from_code(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl EventKind {
    /// Whether the event is told to staff (the doctor who ordered, a department head) rather
    /// than to the patient: it goes to the staff inbox, and the patient's message centre never
    /// shows it.
    pub fn to_staff(self) -> bool {
        matches!(
            self,
            EventKind::ReportReadyDoctor | EventKind::CriticalValue | EventKind::CriticalEscalated
        )
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_kind_and_codes_are_distinct() {
        let mut codes = std::collections::BTreeSet::new();
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_code(kind.code()), Some(kind));
            assert!(codes.insert(kind.code()), "{kind} twice");
        }
        assert_eq!(EventKind::from_code("Booked"), None);
        assert_eq!(EventKind::from_code(""), None);
    }
}
