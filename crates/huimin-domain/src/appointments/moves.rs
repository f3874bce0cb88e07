//! Moving a booked patient to another doctor (stop-clinic 停诊改约, triage 改派): what the
//! hospital allows when fees differ, and how long a patient moved by a stop-clinic may
//! answer (docs/design/billing.md).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MoveRule {
    /// A move to a lower fee: refund the difference at once (true), or refuse the move.
    pub refund_cheaper: bool,
    /// Hours a patient moved by a stop-clinic has to accept or cancel (never past the visit).
    pub reply_hours: u32,
}

impl Default for MoveRule {
    fn default() -> Self {
        MoveRule {
            refund_cheaper: true,
            reply_hours: 24,
        }
    }
}
