//! Results storage: reports (DiagnosticReport) and their observations, sealed; critical values
//! and their acknowledgement and escalation; the staff inbox the outbox delivers staff events
//! to. See docs/design/results.md.

mod critical;
mod reports;
mod staff_inbox;

pub use critical::{CriticalFilter, CriticalRecord};
pub use reports::{
    NewCritical, ObservationRecord, ReportRecord, ReportWrite, ReportWriteError, ResultFilter,
};
pub use staff_inbox::StaffMessage;
