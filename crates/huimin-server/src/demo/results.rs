//! The tests of the demo patients' past visits (`huimin_demo::DemoOrder`): ordered by the
//! visit's doctor while the visit is open and paid at the window with its registration, then
//! collected or performed by the demo technician, reported final through the report builder
//! the API uses (flags, reference intervals, critical values, messages), acknowledged where
//! the demo says so, and reviewed by the doctor, each step at the time it would have happened.

use huimin_clock::Clock;
use huimin_demo::DemoVisit;
use huimin_domain::appointments::PaymentMethod;
use huimin_domain::orders::{OrderCategory, OrderStatus};
use huimin_domain::results::ReportShape;
use huimin_store::Store;
use huimin_store::orders::{OrderRecord, Orderer};
use jiff::{Span, Timestamp};

use super::DemoError;
use crate::orders::CATALOGUE;
use crate::results::TABLE;
use crate::results::entry::{EnteredValue, checked};
use crate::results::gate::OrderFacts;
use crate::results::save::{Prepared, report_write};

/// The demo's technician and window clerk (`huimin_demo` accounts).
const TECHNICIAN: &str = "technician";
const REGISTRAR: &str = "registrar";

fn invalid(visit: &DemoVisit, what: impl std::fmt::Display) -> DemoError {
    DemoError::Invalid(
        format!("orders of the visit of {} days ago", visit.days_ago),
        what.to_string(),
    )
}

/// A refusal of the demo's own data, for the start-up error.
fn described(e: &crate::error::ApiError) -> String {
    e.issues
        .iter()
        .map(|i| format!("{}: {}", i.expression.as_deref().unwrap_or("-"), i.text.en))
        .collect::<Vec<_>>()
        .join("; ")
}

fn later(at: Timestamp, minutes: i64) -> Timestamp {
    at.checked_add(Span::new().minutes(minutes))
        .expect("minutes of a day")
}

/// Orders the visit's tests on the open visit at `at` and pays the visit a minute later.
pub async fn place(
    store: &Store,
    visit: &DemoVisit,
    encounter_id: &str,
    appointment_id: &str,
    role_id: &str,
    doctor_user: &str,
    at: Timestamp,
) -> Result<Vec<OrderRecord>, DemoError> {
    if visit.orders.is_empty() {
        return Ok(Vec::new());
    }
    let items = visit
        .orders
        .iter()
        .map(|o| {
            CATALOGUE
                .get(o.item)
                .cloned()
                .ok_or_else(|| invalid(visit, format!("{} is not in the catalogue", o.item)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let orderer = Orderer {
        practitioner_id: visit.doctor_key,
        role_id,
        username: doctor_user,
    };
    let placed = store
        .place_orders(encounter_id, &items, &orderer, at.as_microsecond())
        .await
        .map_err(|e| invalid(visit, e))?;
    store
        .pay_visit(
            appointment_id,
            PaymentMethod::Cash,
            REGISTRAR,
            None,
            later(at, 1),
        )
        .await
        .map_err(|e| invalid(visit, format!("{e:?}")))?;
    Ok(placed)
}

/// Takes each placed order through the rest of its loop after the visit: collected or
/// performed at `done`, reported an hour later, its critical values acknowledged, reviewed.
pub async fn report(
    store: &Store,
    clock: &Clock,
    visit: &DemoVisit,
    placed: &[OrderRecord],
    doctor_user: &str,
    done: Timestamp,
) -> Result<(), DemoError> {
    for (order, demo) in placed.iter().zip(&visit.orders) {
        let given = match OrderCategory::from_code(&order.category) {
            Some(OrderCategory::Lab) => OrderStatus::Collected,
            _ => OrderStatus::Performed,
        };
        store
            .step_order(
                &order.id,
                given,
                TECHNICIAN,
                "technician",
                done.as_microsecond(),
            )
            .await
            .map_err(|e| invalid(visit, e))?;
        let form = TABLE
            .report(&order.item_code)
            .ok_or_else(|| invalid(visit, format!("{} has no report form", order.item_code)))?;
        let typed: Vec<EnteredValue> = demo
            .values
            .iter()
            .map(|(analyte, value)| EnteredValue {
                analyte: (*analyte).to_owned(),
                value: (*value).to_owned(),
                unit: TABLE
                    .by_code(analyte)
                    .map(|a| a.unit.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let values = match TABLE.shape(&order.item_code) {
            Some(ReportShape::Panel(panel)) => {
                checked(panel, &typed, true).map_err(|e| invalid(visit, described(&e)))?
            }
            _ => Vec::new(),
        };
        let reported_at = later(done, 60);
        let facts = OrderFacts {
            order_id: order.id.clone(),
            patient_id: order.patient_id.clone(),
            encounter_id: Some(order.encounter_id.clone()),
            orderer_id: Some(order.orderer_practitioner_id.clone()),
            department_id: Some(order.department_id.clone()),
            item: order.item_code.clone(),
        };
        let prepared = Prepared {
            facts,
            title: form.title.clone(),
            category: crate::results::build::category_of(&order.item_code),
            report_id: uuid::Uuid::now_v7().to_string(),
            final_: true,
            conclusion: demo.conclusion.map(str::to_owned),
            values,
            unknown: Vec::new(),
            performer: None,
            source: "entry",
            expected_version: None,
        };
        let write = report_write(store, clock, prepared, TECHNICIAN, reported_at)
            .await
            .map_err(|e| invalid(visit, described(&e)))?;
        store
            .save_report(&write, reported_at.as_microsecond())
            .await
            .map_err(|e| invalid(visit, e))?;
        if let Some(after) = demo.acknowledged_after {
            if write.criticals.is_empty() {
                return Err(invalid(
                    visit,
                    "an acknowledgement without a critical value",
                ));
            }
            for critical in &write.criticals {
                let at = later(reported_at, after).as_microsecond();
                store
                    .acknowledge_critical(&critical.id, visit.doctor_key, at)
                    .await?;
            }
        }
        store
            .step_order(
                &order.id,
                OrderStatus::Reviewed,
                doctor_user,
                "doctor",
                later(reported_at, 90).as_microsecond(),
            )
            .await
            .map_err(|e| invalid(visit, e))?;
    }
    Ok(())
}

/// Imports the results the demo patients brought from other hospitals, through the checks an
/// imported Bundle passes (`recognition::import::external_record`), as the demo technician.
pub async fn load_external(
    store: &Store,
    clock: &Clock,
    demo: &huimin_demo::DemoHospital,
) -> Result<usize, DemoError> {
    let mut loaded = 0;
    for result in &demo.external_results {
        let fail =
            |what: String| DemoError::Invalid(format!("external result {}", result.item), what);
        let patient = demo
            .patients
            .iter()
            .find(|p| p.name_zh == result.patient)
            .ok_or_else(|| fail("unknown patient".into()))?;
        let issued = clock
            .now()
            .checked_sub(Span::new().hours(24 * i64::from(result.days_ago)))
            .map_err(|e| fail(e.to_string()))?
            .to_string();
        let bundle = external_bundle(result, &patient.resident_id, &issued)?;
        let now = clock.now().as_microsecond();
        let record = crate::recognition::import::external_record(
            store,
            clock,
            bundle.as_bytes(),
            TECHNICIAN,
            now,
        )
        .await
        .map_err(|e| fail(described(&e)))?;
        store.insert_external_result(&record).await?;
        loaded += 1;
    }
    Ok(loaded)
}

/// The transaction Bundle another hospital sends with a laboratory result
/// (docs/design/recognition.md).
fn external_bundle(
    result: &huimin_demo::DemoExternalResult,
    resident_id: &str,
    issued: &str,
) -> Result<String, DemoError> {
    use serde_json::json;
    let url = |n: usize| format!("urn:uuid:5d1c0e2a-0000-4000-8000-{n:012}");
    let form = TABLE
        .report(result.item)
        .ok_or_else(|| DemoError::Invalid(result.item.into(), "no report form".into()))?;
    let mut entries = vec![
        json!({"fullUrl": url(1), "request": {"method": "POST", "url": "Patient"},
            "resource": {"resourceType": "Patient",
                "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": resident_id}]}}),
        json!({"fullUrl": url(2), "request": {"method": "POST", "url": "Organization"},
            "resource": {"resourceType": "Organization", "name": result.hospital,
                "identifier": [{"system": "urn:huimin:sid:unified-social-credit-code",
                                "value": result.credit_code}],
                "extension": [{"url": "urn:huimin:ext:institution-qualification", "extension": [
                    {"url": "level", "valueString": result.level},
                    {"url": "recognition-scope", "valueCode": result.scope}]}]}}),
    ];
    let mut refs = Vec::new();
    for (n, (code, value)) in result.values.iter().enumerate() {
        let analyte = TABLE.by_code(code).ok_or_else(|| {
            DemoError::Invalid(result.item.into(), format!("unknown analyte {code}"))
        })?;
        let full_url = url(10 + n);
        refs.push(json!({"reference": full_url}));
        // The value as the laboratory printed it: spliced in below, so its digits stay.
        entries.push(
            json!({"fullUrl": full_url, "request": {"method": "POST", "url": "Observation"},
            "resource": {"resourceType": "Observation", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": analyte.loinc}],
                         "text": analyte.name.zh},
                "subject": {"reference": url(1)},
                "effectiveDateTime": issued,
                "valueQuantity": {"value": format!("__{value}__"), "unit": analyte.unit,
                    "system": "http://unitsofmeasure.org", "code": analyte.unit}}}),
        );
    }
    entries.insert(
        2,
        json!({"fullUrl": url(3), "request": {"method": "POST", "url": "DiagnosticReport"},
            "resource": {"resourceType": "DiagnosticReport", "status": "final",
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "LAB"}]}],
                "code": {"coding": [{"system": "urn:huimin:cs:orderable", "code": result.item}],
                         "text": form.title.zh},
                "subject": {"reference": url(1)},
                "effectiveDateTime": issued,
                "issued": issued,
                "performer": [{"reference": url(2)}],
                "result": refs}}),
    );
    let mut text =
        json!({"resourceType": "Bundle", "type": "transaction", "entry": entries}).to_string();
    for (_, value) in &result.values {
        text = text.replacen(&format!("\"__{value}__\""), value, 1);
    }
    Ok(text)
}
