//! Checks the hand-written types against the official R4 JSON schema
//! (vendored in `schema/`, see its README): realistic examples parse,
//! round-trip unchanged and validate; bad input fails with the right kind
//! and path; minimal resources we build are schema-valid.

use std::sync::OnceLock;
use std::time::Instant;

use huimin_fhir::*;
use serde_json::{Value, json};

/// The validator for the whole schema (its root is a `oneOf` over all
/// resources, discriminated by `resourceType`), built once per test binary:
/// compiling ~3.5 MB of schema is the slow part.
fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let started = Instant::now();
        let schema = schema_json().expect("load vendored schema");
        // Draft 6 as declared by the file; all refs are internal
        // (`#/definitions/...`), so no retriever is needed: the crate is
        // built without its network/file resolvers and this runs offline.
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft6)
            .build(&schema)
            .expect("compile FHIR schema");
        eprintln!("compiled FHIR schema in {:?}", started.elapsed());
        v
    })
}

/// Asserts `doc` is valid; on failure, explains using the resource's own
/// definition (the root `oneOf` only says "no schema matched").
fn assert_schema_valid(doc: &Value) {
    if validator().is_valid(doc) {
        return;
    }
    let mut schema = schema_json().unwrap();
    let ty = doc["resourceType"].as_str().unwrap_or("?").to_owned();
    schema["oneOf"] = json!([{ "$ref": format!("#/definitions/{ty}") }]);
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft6)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    panic!("{ty} is not schema-valid: {errors:#?}\n{doc:#}");
}

/// Parses an example, checks it re-serialises to the same JSON and that
/// both are schema-valid.
fn round_trip<T: FhirResource + std::fmt::Debug + PartialEq>(body: &str) -> T {
    let input: Value = serde_json::from_str(body).unwrap();
    assert_schema_valid(&input);
    let parsed: T = parse_resource(body.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let output = serde_json::to_value(&parsed).unwrap();
    assert_eq!(output, input, "{} did not round-trip", T::TYPE);
    // resourceType is always written first.
    let text = serde_json::to_string(&parsed).unwrap();
    assert!(text.starts_with(&format!("{{\"resourceType\":\"{}\"", T::TYPE)));
    // And parsing our own output gives the same value.
    assert_eq!(parse_resource::<T>(text.as_bytes()).unwrap(), parsed);
    parsed
}

macro_rules! example {
    ($file:literal) => {
        include_str!(concat!("examples/", $file))
    };
}

#[test]
fn validator_rejects_invalid() {
    // Guards against a validator that accepts everything.
    assert!(!validator().is_valid(&json!({"resourceType": "Patient", "gender": "M"})));
    assert!(!validator().is_valid(&json!({"resourceType": "Patient", "vaule": 1})));
    assert!(!validator().is_valid(&json!({"resourceType": "Nonsense"})));
    assert!(!validator().is_valid(&json!({"resourceType": "AccessPolicyResource"})));
    assert!(validator().is_valid(&json!({"resourceType": "Patient"})));
    // Nested resources are checked too.
    let mut bundle: Value = serde_json::from_str(example!("bundle.json")).unwrap();
    bundle["entry"][0]["resource"]["gender"] = json!("M");
    assert!(!validator().is_valid(&bundle));
}

#[test]
fn patient() {
    let p: Patient = round_trip(example!("patient.json"));
    let id = &p.identifier[0];
    assert_eq!(id.system.as_deref(), Some("urn:huimin:sid:cn-resident-id"));
    assert_eq!(id.value.as_deref(), Some("110101199003071137"));
    assert_eq!(p.name[0].text.as_deref(), Some("张三"));
    assert_eq!(p.name[0].family.as_deref(), Some("张"));
    assert_eq!(p.name[0].given, ["三"]);
    assert_eq!(p.telecom[0].system, Some(ContactPointSystem::Phone));
    assert_eq!(p.gender, Some(AdministrativeGender::Male));
}

#[test]
fn observation_keeps_its_decimals_and_validates() {
    let o: Observation = round_trip(example!("observation.json"));
    let q = o.value_quantity.as_ref().unwrap();
    assert_eq!(q.value.as_ref().unwrap().as_str(), "6.80");
    assert_eq!(
        o.reference_range[0]
            .high
            .as_ref()
            .unwrap()
            .value
            .as_ref()
            .unwrap()
            .as_str(),
        "5.3"
    );
    // Byte for byte, not only as JSON values (which would read 6.80 as 6.8).
    let text = serde_json::to_string(&o).unwrap();
    assert!(text.contains(r#""value":6.80"#), "{text}");
    let bad = example!("observation.json").replace(r#""status": "final""#, r#""status": "done""#);
    let e = parse_resource::<Observation>(bad.as_bytes()).unwrap_err();
    assert_eq!(e.path, "Observation.status");
}

#[test]
fn diagnostic_report() {
    let r: DiagnosticReport = round_trip(example!("diagnostic_report.json"));
    assert_eq!(r.status, DiagnosticReportStatus::Final);
    assert_eq!(r.result[0].reference.as_deref(), Some("Observation/obs-1"));
    let bad = example!("diagnostic_report.json").replace(r#""conclusion""#, r#""conclusoin""#);
    let e = parse_resource::<DiagnosticReport>(bad.as_bytes()).unwrap_err();
    assert_eq!(e.path, "DiagnosticReport.conclusoin");
}

#[test]
fn practitioner() {
    let p: Practitioner = round_trip(example!("practitioner.json"));
    assert_eq!(
        p.qualification[0].code.text.as_deref(),
        Some("医师执业证书")
    );
}

#[test]
fn practitioner_role() {
    let r: PractitionerRole = round_trip(example!("practitioner_role.json"));
    assert_eq!(r.available_time[0].days_of_week[0], DayOfWeek::Mon);
    assert_eq!(
        r.extension[0]
            .value_money
            .as_ref()
            .unwrap()
            .value
            .as_ref()
            .map(Decimal::as_str),
        Some("50")
    );
    let specialty = r.specialty[0].text_ext.as_ref().unwrap();
    assert_eq!(specialty.translated("en"), Some("Cardiology"));
}

#[test]
fn organization() {
    let o: Organization = round_trip(example!("organization.json"));
    assert_eq!(
        o.part_of.unwrap().reference.as_deref(),
        Some("Organization/org-hospital")
    );
    let english = o.name_ext.as_ref().unwrap();
    assert_eq!(english.translated("en"), Some("Cardiology"));
    assert_eq!(english.translated("fr"), None);
    assert_eq!(
        english,
        &PrimitiveExtension::translation("en", "Cardiology")
    );
}

#[test]
fn location() {
    let l: Location = round_trip(example!("location.json"));
    assert_eq!(l.position.as_ref().unwrap().latitude, 39.9139);
    assert_eq!(
        l.physical_type.unwrap().coding[0].code.as_deref(),
        Some("si")
    );
}

#[test]
fn healthcare_service() {
    let h: HealthcareService = round_trip(example!("healthcare_service.json"));
    assert_eq!(h.category.len() + h.r#type.len() + h.specialty.len(), 3);
}

#[test]
fn operation_outcome() {
    let o: OperationOutcome = round_trip(example!("operation_outcome.json"));
    assert_eq!(o.issue[1].code, IssueType::BusinessRule);
}

#[test]
fn bundle() {
    let b: Bundle = round_trip(example!("bundle.json"));
    assert_eq!(b.r#type, BundleType::Searchset);
    // Entry resources are plain JSON but must still parse as their type.
    let p: Patient =
        parse_resource(b.entry[0].resource.as_ref().unwrap().to_string().as_bytes()).unwrap();
    assert_eq!(p.id.as_deref(), Some("pat-0001"));
}

#[test]
fn capability_statement() {
    let c: CapabilityStatement = round_trip(example!("capability_statement.json"));
    assert_eq!(
        c.rest[0].resource[0].search_param[0].r#type,
        SearchParamType::Token
    );
}

#[test]
fn audit_event() {
    let a: AuditEvent = round_trip(example!("audit_event.json"));
    assert_eq!(a.action, Some(AuditEventAction::Read));
    assert_eq!(
        a.agent[0].network.as_ref().unwrap().r#type,
        Some(AuditEventAgentNetworkType::IpAddress)
    );
}

#[test]
fn encounter() {
    let e: Encounter = round_trip(example!("encounter.json"));
    assert_eq!(e.status, EncounterStatus::Finished);
    assert_eq!(e.status_history[1].status, EncounterStatus::InProgress);
}

#[test]
fn composition() {
    let c: Composition = round_trip(example!("composition.json"));
    assert_eq!(c.status, CompositionStatus::Amended);
    assert_eq!(c.relates_to[0].code, DocumentRelationshipType::Replaces);
    assert_eq!(c.section.len(), 3);
}

#[test]
fn condition() {
    let c: Condition = round_trip(example!("condition.json"));
    assert_eq!(c.code.unwrap().coding[0].code.as_deref(), Some("I10"));
}

#[test]
fn allergy_intolerance() {
    let a: AllergyIntolerance = round_trip(example!("allergy_intolerance.json"));
    assert_eq!(
        a.reaction[0].severity,
        Some(AllergyIntoleranceSeverity::Moderate)
    );
}

#[test]
fn provenance() {
    let p: Provenance = round_trip(example!("provenance.json"));
    assert_eq!(p.entity[0].role, ProvenanceEntityRole::Revision);
    assert_eq!(p.signature[0].data.as_deref(), Some("AAECAw=="));
}

#[test]
fn a_bad_encounter_status_is_refused_at_its_path() {
    let e = parse_err::<Encounter>(
        r#"{"resourceType":"Encounter","status":"open","class":{"code":"AMB"}}"#,
    );
    assert_eq!(e.path, "Encounter.status");
    let e = parse_err::<AllergyIntolerance>(
        r#"{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/1"},"reaction":[{"manifestation":[],"severity":"awful"}]}"#,
    );
    assert_eq!(e.path, "AllergyIntolerance.reaction[0].severity");
}

#[test]
fn service_request_round_trips_and_refuses_codes_outside_its_bindings() {
    let r: ServiceRequest = round_trip(example!("service_request.json"));
    assert_eq!(r.status, RequestStatus::Active);
    assert_eq!(r.intent, RequestIntent::Order);
    assert_eq!(r.subject.reference.as_deref(), Some("Patient/pat-0001"));
    let e = parse_err::<ServiceRequest>(
        r#"{"resourceType":"ServiceRequest","status":"ordered","intent":"order","subject":{"reference":"Patient/1"}}"#,
    );
    assert_eq!(e.path, "ServiceRequest.status");
    let e = parse_err::<ServiceRequest>(
        r#"{"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"},"code":{"coding":[{"sytem":"x"}]}}"#,
    );
    assert_eq!(e.path, "ServiceRequest.code.coding[0].sytem");
    let e = parse_err::<ServiceRequest>(
        r#"{"resourceType":"ServiceRequest","status":"active","intent":"order"}"#,
    );
    assert!(e.path.starts_with("ServiceRequest"), "{}", e.path);
}

#[test]
fn medication_round_trips_with_its_codes_strength_and_lot() {
    let m: Medication = round_trip(example!("medication.json"));
    assert_eq!(
        m.identifier[0].system.as_deref(),
        Some(names::DRUG_CODE_SYSTEM)
    );
    let code = m.code.as_ref().unwrap();
    assert_eq!(code.text.as_deref(), Some("阿莫西林胶囊"));
    assert_eq!(
        code.text_ext.as_ref().unwrap().translated("en"),
        Some("Amoxicillin capsules")
    );
    let atc = code
        .coding
        .iter()
        .find(|c| c.system.as_deref() == Some("http://www.whocc.no/atc"));
    assert_eq!(atc.unwrap().code.as_deref(), Some("J01CA04"));
    assert_eq!(m.status, Some(MedicationStatus::Active));
    let form = &m.form.as_ref().unwrap().coding[0];
    assert_eq!(form.system.as_deref(), Some(names::DOSAGE_FORM_SYSTEM));
    let strength = m.ingredient[0].strength.as_ref().unwrap();
    let grams = strength.numerator.as_ref().unwrap().value.as_ref().unwrap();
    assert_eq!(grams.as_str(), "0.25");
    assert_eq!(
        m.batch.as_ref().unwrap().expiration_date.as_deref(),
        Some("2027-05-31")
    );
}

#[test]
fn a_prescription_item_round_trips_with_its_dosage() {
    let r: MedicationRequest = round_trip(example!("medication_request.json"));
    assert_eq!(r.status, MedicationRequestStatus::Active);
    assert_eq!(r.intent, MedicationRequestIntent::Order);
    assert_eq!(r.priority, Some(RequestPriority::Routine));
    let group = r.group_identifier.as_ref().unwrap();
    assert_eq!(
        group.system.as_deref(),
        Some(names::PRESCRIPTION_NUMBER_SYSTEM)
    );
    assert_eq!(group.value.as_deref(), Some("CF202603020001"));
    assert_eq!(
        r.medication_reference
            .as_ref()
            .unwrap()
            .reference
            .as_deref(),
        Some("Medication/med-em0012")
    );
    assert!(r.medication_codeable_concept.is_none());
    let dosage = &r.dosage_instruction[0];
    let timing = dosage.timing.as_ref().unwrap();
    let repeat = timing.repeat.as_ref().unwrap();
    assert_eq!(repeat.frequency.map(|f| f.get()), Some(3));
    assert_eq!(repeat.period.as_ref().map(Decimal::as_str), Some("1"));
    assert_eq!(repeat.period_unit, Some(UnitsOfTime::Day));
    assert_eq!(repeat.when, [EventTiming::AfterMeal]);
    let course = repeat.bounds_duration.as_ref().unwrap();
    assert_eq!(course.value.as_ref().map(Decimal::as_str), Some("7"));
    let frequency = &timing.code.as_ref().unwrap().coding[0];
    assert_eq!(
        frequency.system.as_deref(),
        Some(names::DOSE_FREQUENCY_SYSTEM)
    );
    assert_eq!(frequency.code.as_deref(), Some("TID"));
    let dose = dosage.dose_and_rate[0].dose_quantity.as_ref().unwrap();
    assert_eq!(dose.value.as_ref().map(Decimal::as_str), Some("0.5"));
    assert_eq!(dosage.route.as_ref().unwrap().text.as_deref(), Some("口服"));
    let supply = r.dispense_request.as_ref().unwrap();
    assert_eq!(supply.number_of_repeats_allowed, Some(0));
    assert_eq!(
        supply.quantity.as_ref().unwrap().unit.as_deref(),
        Some("盒")
    );
    assert_eq!(
        r.substitution.as_ref().unwrap().allowed_boolean,
        Some(false)
    );
    assert_eq!(r.note[0].text, "青霉素皮试阴性。");
}

#[test]
fn a_dispense_round_trips_with_its_lot_in_extensions() {
    let d: MedicationDispense = round_trip(example!("medication_dispense.json"));
    assert_eq!(d.status, MedicationDispenseStatus::Completed);
    let ext = |url: &str| d.extension.iter().find(|e| e.url == url).unwrap();
    assert_eq!(
        ext(names::LOT_NUMBER_EXT).value_string.as_deref(),
        Some("2405231")
    );
    assert_eq!(
        ext(names::LOT_EXPIRY_EXT).value_date.as_deref(),
        Some("2027-05-31")
    );
    assert_eq!(
        d.authorizing_prescription[0].reference.as_deref(),
        Some("MedicationRequest/rx-0001-1")
    );
    assert_eq!(d.performer.len(), 2);
    assert_eq!(d.days_supply.as_ref().unwrap().code.as_deref(), Some("d"));
    assert_eq!(
        d.when_handed_over.as_deref(),
        Some("2026-03-02T09:46:00+08:00")
    );
}

/// `example` with the JSON at `pointer` replaced by `value` (or removed when it is null).
fn edited(example: &str, pointer: &str, value: Value) -> String {
    let mut doc: Value = serde_json::from_str(example).unwrap();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = doc.pointer_mut(parent).unwrap();
    match (target, value) {
        (Value::Object(map), Value::Null) => {
            assert!(map.remove(key).is_some(), "{pointer} is absent");
        }
        (Value::Object(map), value) => {
            map.insert(key.to_owned(), value);
        }
        (Value::Array(items), value) => items[key.parse::<usize>().unwrap()] = value,
        _ => panic!("{pointer} is not in an object or array"),
    }
    doc.to_string()
}

#[test]
fn medication_resources_refuse_codes_outside_their_bindings_at_their_paths() {
    let request = example!("medication_request.json");
    let dispense = example!("medication_dispense.json");
    let repeat = "/dosageInstruction/0/timing/repeat";
    for (body, path) in [
        (
            edited(request, "/status", json!("ordered")),
            "MedicationRequest.status",
        ),
        // `directive` is a request intent, but not a medication request's.
        (
            edited(request, "/intent", json!("directive")),
            "MedicationRequest.intent",
        ),
        (
            edited(request, "/priority", json!("normal")),
            "MedicationRequest.priority",
        ),
        (
            edited(request, &format!("{repeat}/periodUnit"), json!("day")),
            "MedicationRequest.dosageInstruction[0].timing.repeat.periodUnit",
        ),
        (
            edited(
                request,
                &format!("{repeat}/when"),
                json!(["PC", "after meals"]),
            ),
            "MedicationRequest.dosageInstruction[0].timing.repeat.when[1]",
        ),
        (
            edited(request, &format!("{repeat}/timeOfDay"), json!(["8:00"])),
            "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay[0]",
        ),
        (
            edited(request, &format!("{repeat}/frequency"), json!(0)),
            "MedicationRequest.dosageInstruction[0].timing.repeat.frequency",
        ),
        (
            edited(request, &format!("{repeat}/frequncy"), json!(3)),
            "MedicationRequest.dosageInstruction[0].timing.repeat.frequncy",
        ),
        (
            edited(
                request,
                "/dispenseRequest/numberOfRepeatsAllowed",
                json!(-1),
            ),
            "MedicationRequest.dispenseRequest.numberOfRepeatsAllowed",
        ),
    ] {
        let e = parse_err::<MedicationRequest>(&body);
        assert_eq!((e.kind, e.path.as_str()), (ParseErrorKind::Structure, path));
    }
    for (body, path) in [
        (
            edited(dispense, "/status", json!("dispensed")),
            "MedicationDispense.status",
        ),
        (
            edited(dispense, "/performer/0/actor", Value::Null),
            "MedicationDispense.performer[0]",
        ),
        (
            edited(dispense, "/lotNumber", json!("2405231")),
            "MedicationDispense.lotNumber",
        ),
    ] {
        let e = parse_err::<MedicationDispense>(&body);
        assert_eq!((e.kind, e.path.as_str()), (ParseErrorKind::Structure, path));
    }
    let e = parse_err::<Medication>(&edited(
        example!("medication.json"),
        "/status",
        json!("available"),
    ));
    assert_eq!(e.path, "Medication.status");
}

#[test]
fn a_choice_takes_one_form_and_a_required_choice_exactly_one() {
    let request = example!("medication_request.json");
    let coded = json!({"text": "阿莫西林胶囊"});
    let none = edited(request, "/medicationReference", Value::Null);
    let both = edited(request, "/medicationCodeableConcept", coded.clone());
    for body in [&none, &both] {
        let e = parse_err::<MedicationRequest>(body);
        assert_eq!(
            (e.kind, e.path.as_str()),
            (ParseErrorKind::Structure, "MedicationRequest.medication")
        );
        assert!(
            e.message
                .contains("medicationCodeableConcept, medicationReference"),
            "{}",
            e.message
        );
    }
    // The other form alone is as good.
    let coded_only = edited(&none, "/medicationCodeableConcept", coded);
    let r: MedicationRequest = round_trip(&coded_only);
    assert_eq!(
        r.medication_codeable_concept.unwrap().text.as_deref(),
        Some("阿莫西林胶囊")
    );

    let dosage = "/dosageInstruction/0";
    let cases = [
        (
            edited(
                request,
                &format!("{dosage}/asNeededCodeableConcept"),
                json!({"text": "疼痛时"}),
            ),
            "MedicationRequest.dosageInstruction[0].asNeeded",
        ),
        (
            edited(
                request,
                &format!("{dosage}/doseAndRate/0/doseRange"),
                json!({"low": {"value": 0.25}}),
            ),
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].dose",
        ),
        (
            edited(
                request,
                &format!("{dosage}/timing/repeat/boundsPeriod"),
                json!({"start": "2026-03-02"}),
            ),
            "MedicationRequest.dosageInstruction[0].timing.repeat.bounds",
        ),
        (
            edited(request, "/substitution/allowedBoolean", Value::Null),
            "MedicationRequest.substitution.allowed",
        ),
        (
            edited(request, "/note/0/authorString", json!("李振邦")),
            "MedicationRequest.note[0].author",
        ),
    ];
    for (body, path) in &cases {
        let e = parse_err::<MedicationRequest>(body);
        assert_eq!(
            (e.kind, e.path.as_str()),
            (ParseErrorKind::Structure, *path),
            "{}",
            e.message
        );
    }
    let e = parse_err::<MedicationDispense>(&edited(
        example!("medication_dispense.json"),
        "/medicationReference",
        Value::Null,
    ));
    assert_eq!(e.path, "MedicationDispense.medication");
    let e = parse_err::<Medication>(&edited(
        example!("medication.json"),
        "/ingredient/0/itemCodeableConcept",
        Value::Null,
    ));
    assert_eq!(e.path, "Medication.ingredient[0].item");
}

#[test]
fn timing_and_ratio_invariants_are_refused_at_their_elements() {
    let request = example!("medication_request.json");
    let repeat = "/dosageInstruction/0/timing/repeat";
    let at =
        |suffix: &str| format!("MedicationRequest.dosageInstruction[0].timing.repeat.{suffix}");
    let cases = [
        (
            edited(request, &format!("{repeat}/periodUnit"), Value::Null),
            at("periodUnit"),
        ),
        (
            edited(request, &format!("{repeat}/period"), json!(-1)),
            at("period"),
        ),
        (
            edited(request, &format!("{repeat}/duration"), json!(30)),
            at("durationUnit"),
        ),
        (
            edited(request, &format!("{repeat}/countMax"), json!(2)),
            at("countMax"),
        ),
        (
            edited(request, &format!("{repeat}/timeOfDay"), json!(["08:00:00"])),
            at("timeOfDay"),
        ),
        (
            edited(
                &edited(request, &format!("{repeat}/offset"), json!(30)),
                &format!("{repeat}/when"),
                json!(["C"]),
            ),
            at("offset"),
        ),
        (
            edited(
                request,
                "/dosageInstruction/0/maxDosePerPeriod/denominator",
                Value::Null,
            ),
            "MedicationRequest.dosageInstruction[0].maxDosePerPeriod.denominator".to_owned(),
        ),
    ];
    for (body, path) in &cases {
        let e = parse_err::<MedicationRequest>(body);
        assert_eq!(
            (e.kind, e.path.as_str()),
            (ParseErrorKind::Structure, path.as_str()),
            "{}",
            e.message
        );
    }
    // An offset from a meal is fine (30 min before it), as is -0 for a period.
    let before_meal = edited(
        &edited(request, &format!("{repeat}/offset"), json!(30)),
        &format!("{repeat}/when"),
        json!(["AC"]),
    );
    round_trip::<MedicationRequest>(&before_meal);
    let zero = edited(request, &format!("{repeat}/period"), json!(-0.0));
    assert!(parse_resource::<MedicationRequest>(zero.as_bytes()).is_ok());
}

fn parse_err<T: FhirResource + std::fmt::Debug>(body: &str) -> ParseError {
    parse_resource::<T>(body.as_bytes()).unwrap_err()
}

#[test]
fn unknown_element() {
    let e = parse_err::<Patient>(
        r#"{"resourceType":"Patient","identifier":[{"system":"urn:huimin:sid:cn-resident-id","vaule":"110101199003071137"}]}"#,
    );
    assert_eq!(e.kind, ParseErrorKind::Structure);
    assert_eq!(e.path, "Patient.identifier[0].vaule");
    let e = parse_err::<Location>(
        r#"{"resourceType":"Location","position":{"longitude":1,"latitude":2,"lat":3}}"#,
    );
    assert_eq!(e.path, "Location.position.lat");
    // A primitive extension of an element that has none modelled is refused, not dropped.
    let e = parse_err::<Patient>(r#"{"resourceType":"Patient","_active":{"id":"x"}}"#);
    assert_eq!(e.path, "Patient._active");
    // One with a wrong shape names the element inside it.
    let e = parse_err::<Patient>(r#"{"resourceType":"Patient","_birthDate":{"valu":"x"}}"#);
    assert_eq!(e.path, "Patient._birthDate.valu");
}

#[test]
fn wrong_type() {
    let e = parse_err::<Practitioner>(r#"{"resourceType":"Practitioner","name":{"text":"王"}}"#);
    assert_eq!(
        (e.kind, e.path.as_str()),
        (ParseErrorKind::Structure, "Practitioner.name")
    );
    let e = parse_err::<Bundle>(r#"{"resourceType":"Bundle","type":"searchset","total":-1}"#);
    assert_eq!(e.path, "Bundle.total");
    let e = parse_err::<AuditEvent>(
        r#"{"resourceType":"AuditEvent","type":{},"recorded":"2024-05-01T08:30:00Z","agent":[{"requestor":"yes"}],"source":{"observer":{}}}"#,
    );
    assert_eq!(e.path, "AuditEvent.agent[0].requestor");
}

#[test]
fn malformed_json() {
    let e = parse_err::<Organization>("{\"resourceType\":\"Organization\",\"name\":\"心内科}");
    assert_eq!(
        (e.kind, e.path.as_str()),
        (ParseErrorKind::Syntax, "Organization")
    );
    assert_eq!(parse_err::<Organization>("").kind, ParseErrorKind::Syntax);
}

#[test]
fn wrong_resource_type() {
    let e = parse_err::<Patient>(example!("practitioner.json"));
    assert_eq!(
        e.kind,
        ParseErrorKind::WrongResourceType {
            expected: "Patient".into(),
            found: Some("Practitioner".into())
        }
    );
    let e = parse_err::<HealthcareService>(r#"{"name":"心内科"}"#);
    assert!(matches!(
        e.kind,
        ParseErrorKind::WrongResourceType { found: None, .. }
    ));
}

#[test]
fn bad_date() {
    for (body, path) in [
        (
            r#"{"resourceType":"Patient","birthDate":"1990/03/07"}"#,
            "Patient.birthDate",
        ),
        (
            r#"{"resourceType":"Patient","birthDate":"1990-02-29"}"#,
            "Patient.birthDate",
        ),
        (
            r#"{"resourceType":"Patient","contact":[{"period":{"start":"2024-05-01T08:30"}}]}"#,
            "Patient.contact[0].period.start",
        ),
    ] {
        let e = parse_err::<Patient>(body);
        assert_eq!(
            (e.kind, e.path.as_str()),
            (ParseErrorKind::Structure, path),
            "{body}"
        );
        // What we reject, the schema rejects too (except invalid calendar
        // days, which only the spec's prose forbids).
        if !body.contains("02-29") {
            assert!(!validator().is_valid(&serde_json::from_str(body).unwrap()));
        }
    }
    let e = parse_err::<AuditEvent>(
        r#"{"resourceType":"AuditEvent","type":{},"recorded":"2024-05-01","agent":[],"source":{"observer":{}}}"#,
    );
    assert_eq!(e.path, "AuditEvent.recorded");
}

/// Ids exercising the `id` pattern: both ends of the length range and every
/// allowed character class.
fn sample_ids() -> Vec<String> {
    let mut ids = vec!["1".to_owned(), "a".repeat(64), "A-b.9".to_owned()];
    ids.extend((0..20).map(|i| format!("{i:x}-{}.{}", "Zz".repeat(i), i * 7919)));
    ids
}

fn assert_new_with_id_valid<T: FhirResource>(make: impl Fn() -> T) {
    for id in sample_ids() {
        let mut r = make();
        r.set_id(id.clone());
        r.meta_mut().version_id = Some("1".into());
        let v = serde_json::to_value(&r).unwrap();
        assert_schema_valid(&v);
        let back: T = parse_resource(v.to_string().as_bytes()).unwrap();
        assert_eq!(back.id(), Some(id.as_str()));
        assert_eq!(back.meta().unwrap().version_id.as_deref(), Some("1"));
    }
}

#[test]
fn minimal_resources_are_schema_valid() {
    assert_new_with_id_valid(Patient::new);
    assert_new_with_id_valid(Practitioner::new);
    assert_new_with_id_valid(PractitionerRole::new);
    assert_new_with_id_valid(Organization::new);
    assert_new_with_id_valid(Location::new);
    assert_new_with_id_valid(HealthcareService::new);
    assert_new_with_id_valid(|| Condition::new(Reference::to("Patient", "p", None)));
    assert_new_with_id_valid(|| AllergyIntolerance::new(Reference::to("Patient", "p", None)));
    assert_new_with_id_valid(|| {
        ServiceRequest::new(
            RequestStatus::Active,
            RequestIntent::Order,
            Reference::to("Patient", "p", None),
        )
    });
    assert_new_with_id_valid(Medication::new);
    assert_new_with_id_valid(|| {
        MedicationRequest::new(
            MedicationRequestStatus::Draft,
            MedicationRequestIntent::Order,
            MedicationChoice::Reference(Reference::to("Medication", "m", None)),
            Reference::to("Patient", "p", None),
        )
    });
    assert_new_with_id_valid(|| {
        MedicationDispense::new(
            MedicationDispenseStatus::Preparation,
            MedicationChoice::CodeableConcept(CodeableConcept::text("阿莫西林胶囊")),
        )
    });
    assert_new_with_id_valid(|| {
        Encounter::new(
            EncounterStatus::Arrived,
            Coding::new(
                "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "AMB",
                None,
            ),
        )
    });
    assert_new_with_id_valid(|| {
        Composition::new(
            CompositionStatus::Preliminary,
            CodeableConcept::text("门诊病历"),
            "2026-03-02T10:00:00+08:00".into(),
            vec![Reference::to("PractitionerRole", "r", None)],
            "门诊病历".into(),
        )
    });
    assert_new_with_id_valid(|| {
        Provenance::new(
            vec![Reference::to("Composition", "c", None)],
            "2026-03-02T10:00:00+08:00".into(),
            vec![ProvenanceAgent {
                who: Reference::to("PractitionerRole", "r", None),
                ..Default::default()
            }],
        )
    });
    // Types with required elements take them in `new`.
    assert_new_with_id_valid(|| Bundle::new(BundleType::Collection));
    assert_new_with_id_valid(|| {
        OperationOutcome::single(
            IssueSeverity::Information,
            IssueType::Informational,
            "好".into(),
            None,
        )
    });
    assert_new_with_id_valid(|| {
        CapabilityStatement::new(
            PublicationStatus::Active,
            "2024-05-01".into(),
            CapabilityStatementKind::Instance,
            vec!["json".into()],
        )
    });
    assert_new_with_id_valid(|| {
        AuditEvent::new(
            Coding::new(
                "http://terminology.hl7.org/CodeSystem/audit-event-type",
                "rest",
                None,
            ),
            "2024-05-01T08:30:00+08:00".into(),
            vec![AuditEventAgent {
                requestor: true,
                ..Default::default()
            }],
            AuditEventSource {
                observer: Reference::to("Device", "huimin", None),
                ..Default::default()
            },
        )
    });
}

#[test]
fn helpers_are_schema_valid() {
    let oo = OperationOutcome::single(
        IssueSeverity::Error,
        IssueType::NotFound,
        "未找到患者 Patient/x".into(),
        Some("Patient.id".into()),
    );
    let v = serde_json::to_value(&oo).unwrap();
    assert_schema_valid(&v);
    assert_eq!(v["issue"][0]["code"], "not-found");
    assert_eq!(v["issue"][0]["details"]["text"], "未找到患者 Patient/x");
    assert_eq!(v["issue"][0]["diagnostics"], "未找到患者 Patient/x");
    assert_eq!(v["issue"][0]["expression"][0], "Patient.id");

    let mut p = Patient::new();
    p.set_id("pat-1".into());
    p.identifier.push(Identifier::new(
        "urn:huimin:sid:cn-resident-id",
        "110101199003071137",
    ));
    p.name.push(HumanName {
        text: Some("张三".into()),
        family: Some("张".into()),
        given: vec!["三".into()],
        ..Default::default()
    });
    p.telecom
        .push(ContactPoint::new(ContactPointSystem::Phone, "13800138000"));
    let b = Bundle::searchset(
        1,
        vec![BundleEntry::matched(
            "https://huimin.example.cn/fhir/Patient/pat-1".into(),
            serde_json::to_value(&p).unwrap(),
        )],
        vec![BundleLink::new(
            "self",
            "https://huimin.example.cn/fhir/Patient?identifier=x",
        )],
    );
    let v = serde_json::to_value(&b).unwrap();
    assert_schema_valid(&v);
    assert_eq!(v["total"], 1);

    let mut cs = CapabilityStatement::new(
        PublicationStatus::Active,
        "2024-05-01T00:00:00+08:00".into(),
        CapabilityStatementKind::Instance,
        vec!["application/fhir+json".into()],
    );
    cs.rest.push(CapabilityStatementRest {
        id: None,
        extension: vec![],
        modifier_extension: vec![],
        mode: RestfulCapabilityMode::Server,
        documentation: None,
        security: Some(CapabilityStatementSecurity {
            cors: Some(true),
            ..Default::default()
        }),
        resource: vec![CapabilityStatementResource {
            r#type: Patient::TYPE.into(),
            interaction: TypeRestfulInteraction::ALL
                .iter()
                .map(|c| CapabilityStatementInteraction::new(*c))
                .collect(),
            search_param: vec![CapabilityStatementSearchParam::new(
                "identifier",
                SearchParamType::Token,
            )],
            ..Default::default()
        }],
        interaction: vec![],
        search_param: vec![],
        operation: vec![],
        compartment: vec![],
    });
    assert_schema_valid(&serde_json::to_value(&cs).unwrap());
}

#[test]
fn every_code_enum_value_is_schema_valid() {
    for g in AdministrativeGender::ALL {
        assert_schema_valid(&json!({"resourceType": "Patient", "gender": g}));
    }
    for c in IssueType::ALL {
        let oo = OperationOutcome::single(IssueSeverity::Warning, *c, "x".into(), None);
        assert_schema_valid(&serde_json::to_value(oo).unwrap());
    }
    for t in BundleType::ALL {
        assert_schema_valid(&serde_json::to_value(Bundle::new(*t)).unwrap());
    }
    // The schema lists Timing.repeat's units and events: each of ours is among them.
    let mut dose = Dosage::default();
    for unit in UnitsOfTime::ALL {
        let repeat = TimingRepeat {
            period: Decimal::parse("1"),
            period_unit: Some(*unit),
            duration: Decimal::parse("30"),
            duration_unit: Some(*unit),
            when: EventTiming::ALL.to_vec(),
            ..Default::default()
        };
        dose.timing = Some(Timing {
            repeat: Some(repeat),
            ..Default::default()
        });
        let mut request = MedicationRequest::new(
            MedicationRequestStatus::Active,
            MedicationRequestIntent::Order,
            MedicationChoice::CodeableConcept(CodeableConcept::text("x")),
            Reference::to("Patient", "p", None),
        );
        request.dosage_instruction.push(dose.clone());
        let json = serde_json::to_value(&request).unwrap();
        assert_schema_valid(&json);
        assert_eq!(
            parse_resource::<MedicationRequest>(json.to_string().as_bytes()).unwrap(),
            request
        );
    }
    assert!(!validator().is_valid(&json!({
        "resourceType": "MedicationRequest", "status": "active", "intent": "order",
        "subject": {"reference": "Patient/p"},
        "dosageInstruction": [{"timing": {"repeat": {"when": ["after meals"]}}}]
    })));
}

#[test]
fn schema_path_is_absolute_and_exists() {
    assert!(schema_path().is_absolute());
    assert!(schema_path().exists());
}
