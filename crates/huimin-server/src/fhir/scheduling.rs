//! What the scheduling searches (`Schedule`, `Slot`, `Appointment`) answer: their parameters,
//! sort keys and includes, declared once here for the CapabilityStatement and read by the
//! searches themselves (`appointments::fhir_search`), so the two cannot drift apart.

use super::kinds::{ParamDef, ParamKind, param};

pub struct SchedulingType {
    pub name: &'static str,
    /// The filters besides `_id` (which every type answers).
    pub params: &'static [ParamDef],
    /// `_sort` keys; the first is the default order (`-` for descending).
    pub sorts: &'static [&'static str],
    pub includes: &'static [&'static str],
    pub revincludes: &'static [&'static str],
    pub documentation: &'static str,
}

const SERVICE_TYPE: ParamDef = param(
    "service-type",
    ParamKind::Coding,
    &["serviceType"],
    "The clinic period, urn:huimin:cs:clinic-period|morning, afternoon or evening",
);

const SPECIALTY: ParamDef = param(
    "specialty",
    ParamKind::Coding,
    &["specialty"],
    "The department's national code (诊疗科目), e.g. urn:huimin:cs:department-code|03.04",
);

pub const SCHEDULE: SchedulingType = SchedulingType {
    name: "Schedule",
    params: &[
        param(
            "actor",
            ParamKind::Reference("PractitionerRole"),
            &["actor"],
            "The doctor's post (PractitionerRole/…, or Practitioner/… for every post of the doctor) or the room (Location/…)",
        ),
        param(
            "date",
            ParamKind::Instant,
            &["planningHorizon"],
            "The session's hours (planningHorizon), with eq, ne, gt, lt, ge, le, sa, eb",
        ),
        SERVICE_TYPE,
        SPECIALTY,
        param(
            "active",
            ParamKind::Code,
            &["active"],
            "true (open for booking) | false (stopped)",
        ),
    ],
    sorts: &["date", "_id"],
    includes: &["Schedule:actor"],
    revincludes: &["Slot:schedule"],
    documentation: "A dated clinic session (出诊) of a doctor's post, opened by administrators with POST /api/admin/sessions. Public.",
};

pub const SLOT: SchedulingType = SchedulingType {
    name: "Slot",
    params: &[
        param(
            "schedule",
            ParamKind::Reference("Schedule"),
            &["schedule"],
            "The session (Schedule/…)",
        ),
        param(
            "status",
            ParamKind::Code,
            &["status"],
            "free | busy | busy-tentative (held) | busy-unavailable (session stopped)",
        ),
        param(
            "start",
            ParamKind::Instant,
            &["start"],
            "When the slot starts, with eq, ne, gt, lt, ge, le, sa, eb",
        ),
        SERVICE_TYPE,
        SPECIALTY,
    ],
    sorts: &["start", "_id"],
    includes: &["Slot:schedule"],
    revincludes: &[],
    documentation: "A time window (≤ 30 minutes) of a session with its capacity (extension urn:huimin:ext:slot-capacity) and remaining places (urn:huimin:ext:slot-remaining). Public.",
};

pub const APPOINTMENT: SchedulingType = SchedulingType {
    name: "Appointment",
    params: &[
        param(
            "patient",
            ParamKind::Reference("Patient"),
            &["participant.actor"],
            "The patient",
        ),
        param(
            "actor",
            ParamKind::Reference("Patient"),
            &["participant.actor"],
            "Any participant: Patient/…, PractitionerRole/… (or Practitioner/… for every post of the doctor), Location/…",
        ),
        param(
            "practitioner",
            ParamKind::Reference("Practitioner"),
            &["participant.actor"],
            "The doctor: Practitioner/… (every post they hold) or PractitionerRole/…",
        ),
        param(
            "location",
            ParamKind::Reference("Location"),
            &["participant.actor"],
            "The consulting room",
        ),
        param(
            "date",
            ParamKind::Instant,
            &["start"],
            "When the appointment starts, with eq, ne, gt, lt, ge, le, sa, eb",
        ),
        param(
            "status",
            ParamKind::Code,
            &["status"],
            "pending (held) | booked | checked-in | fulfilled | cancelled | noshow",
        ),
        param(
            "slot",
            ParamKind::Reference("Slot"),
            &["slot"],
            "The slot booked",
        ),
        SERVICE_TYPE,
        SPECIALTY,
        param(
            "_lastUpdated",
            ParamKind::Instant,
            &["meta.lastUpdated"],
            "When the appointment last changed, with eq, ne, gt, lt, ge, le, sa, eb",
        ),
    ],
    sorts: &["-date", "date", "_lastUpdated", "_id"],
    includes: &[
        "Appointment:patient",
        "Appointment:practitioner",
        "Appointment:location",
        "Appointment:actor",
        "Appointment:slot",
    ],
    revincludes: &[],
    documentation: "Bookings. POST with status booked (or pending to hold), one slot and a Patient participant; PUT or JSON PATCH of status to cancel (patients within the cut-off), check in (staff) or mark seen (doctors). Idempotency-Key is honoured on every booking request. A full slot is 409; a booking rule (quota, ban, release window, cut-off, identity) is 422 with the rule code in issue.details.coding (urn:huimin:cs:booking-rule). Search: patients see their family's appointments only, staff any; every search is audited. Waitlist entries (status waitlist) are read by id.",
};

pub fn all() -> [&'static SchedulingType; 3] {
    [&SCHEDULE, &SLOT, &APPOINTMENT]
}

pub fn by_name(name: &str) -> Option<&'static SchedulingType> {
    all().into_iter().find(|t| t.name == name)
}

impl SchedulingType {
    /// Every parameter the type answers: `_id`, then its own.
    pub fn all_params(&self) -> impl Iterator<Item = &ParamDef> + Clone {
        std::iter::once(&super::filters::ID).chain(self.params)
    }

    /// The sort keys as names (without the `-` of a default descending order).
    pub fn sort_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&str> = self
            .sorts
            .iter()
            .map(|s| s.trim_start_matches('-'))
            .collect();
        names.dedup();
        names
    }
}
