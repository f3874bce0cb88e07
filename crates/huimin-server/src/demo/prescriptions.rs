//! The pharmacy's stock and the demo patients' past prescriptions (`huimin_demo::DemoPrescription`):
//! every formulary drug received in a lot (a few also in a lot near its expiry, which goes
//! out first), then each past visit's prescription written on the open visit through the
//! rules the API runs, signed by its doctor, approved by the demo pharmacist, paid with the
//! visit, dispensed and collected, each step at the time it would have happened.

use std::sync::LazyLock;

use huimin_demo::DemoVisit;
use huimin_domain::PractitionerTitle;
use huimin_domain::prescriptions::checks::{
    Override, PatientFacts, Policy, PrescriberFacts, Prescription, Tables, check,
};
use huimin_domain::prescriptions::prescription::PrescriptionKind;
use huimin_domain::prescriptions::{
    Allergens, Drug, Formulary, Interactions, LineInput, Micro, allergens, check_line,
    interactions, parse_allergens, parse_interactions,
};
use huimin_store::Store;
use huimin_store::prescriptions::{Decision, NewLot, NewPrescription};
use jiff::Timestamp;
use jiff::civil::Date;

use super::DemoError;
use crate::prescriptions::input::Evaluated;
use crate::prescriptions::pharmacy::charge_of;
use crate::prescriptions::writing::{items, prescription_number, signed_content};

/// The demo's pharmacist (`huimin_demo` accounts).
const PHARMACIST: &str = "pharmacist";

static FORMULARY: LazyLock<Formulary> = LazyLock::new(Formulary::seed);
static INTERACTIONS: LazyLock<Interactions> = LazyLock::new(|| {
    parse_interactions(interactions::SEED).expect("the shipped interactions parse")
});
static ALLERGENS: LazyLock<Allergens> =
    LazyLock::new(|| parse_allergens(allergens::SEED).expect("the shipped allergens parse"));

/// Drugs also held in a lot that expires within the month: dispensed first.
const SHORT_DATED: [&str; 4] = ["氨氯地平片", "二甲双胍片", "阿莫西林胶囊", "阿司匹林肠溶片"];

fn invalid(visit: &DemoVisit, what: impl std::fmt::Display) -> DemoError {
    DemoError::Invalid(
        format!("prescription of the visit of {} days ago", visit.days_ago),
        what.to_string(),
    )
}

/// Every formulary drug in stock, received at `at`: 200 packages (controlled drugs, kept by the
/// piece: 50) expiring in 18 months after `today`.
pub async fn load_stock(store: &Store, today: Date, at: Timestamp) -> Result<(), DemoError> {
    let far = today
        .checked_add(jiff::Span::new().months(18))
        .map_err(|e| DemoError::Invalid("stock".into(), e.to_string()))?;
    let near = today
        .checked_add(jiff::Span::new().days(20))
        .map_err(|e| DemoError::Invalid("stock".into(), e.to_string()))?;
    let stamp = today.strftime("%Y%m").to_string();
    let (far, near) = (far.to_string(), near.to_string());
    let mut numbers = Vec::new();
    for (n, drug) in FORMULARY.drugs().iter().enumerate() {
        let short = SHORT_DATED.contains(&drug.name().zh.as_str());
        numbers.push((
            drug,
            format!("{stamp}{n:04}"),
            short.then(|| format!("S{stamp}{n:04}")),
        ));
    }
    let mut lots = Vec::new();
    for (drug, lot, short) in &numbers {
        lots.push(NewLot {
            drug_code: &drug.code,
            lot_number: lot,
            expiry: &far,
            quantity: if drug.is_controlled() { 50 } else { 200 },
            by: PHARMACIST,
        });
        if let Some(short) = short {
            lots.push(NewLot {
                drug_code: &drug.code,
                lot_number: short,
                expiry: &near,
                quantity: 5,
                by: PHARMACIST,
            });
        }
    }
    store.receive_lots(&lots, at.as_microsecond()).await?;
    Ok(())
}

fn by_name(visit: &DemoVisit, name: &str) -> Result<&'static Drug, DemoError> {
    FORMULARY
        .drugs()
        .iter()
        .find(|d| d.name().zh == name)
        .ok_or_else(|| invalid(visit, format!("{name} is not in the formulary")))
}

/// What the visit's doctor typed, checked by the rules the API runs.
fn evaluated(visit: &DemoVisit, facts: &PatientFacts) -> Result<Option<Evaluated>, DemoError> {
    let Some(demo) = &visit.prescription else {
        return Ok(None);
    };
    let mut lines = Vec::new();
    for (i, l) in demo.lines.iter().enumerate() {
        let drug = by_name(visit, l.drug)?;
        let input = LineInput {
            drug: drug.code.clone(),
            dose: l.dose.to_owned(),
            dose_unit: l.unit.to_owned(),
            frequency: l.frequency.to_owned(),
            route: String::new(),
            days: l.days,
            quantity: l.quantity,
            note: String::new(),
        };
        let line = check_line(&input, i, |code| FORMULARY.get(code))
            .map_err(|p| invalid(visit, format!("{}: {}", p.field, p.text.en)))?;
        lines.push(line);
    }
    let kind = PrescriptionKind::Ordinary;
    let overrides: Vec<Override> = demo
        .overrides
        .iter()
        .map(|(rule, reason)| Override {
            rule: (*rule).to_owned(),
            line: None,
            reason: (*reason).to_owned(),
        })
        .collect();
    let prescription = Prescription {
        kind,
        long_term: demo.long_term,
        long_assessment: false,
        lines: &lines,
    };
    let prescriber = PrescriberFacts {
        title: PractitionerTitle::AttendingPhysician,
        controlled_qualified: false,
    };
    let tables = Tables {
        interactions: &INTERACTIONS,
        allergens: &ALLERGENS,
    };
    let findings = check(
        &prescription,
        facts,
        &prescriber,
        &[],
        &tables,
        &Policy::default(),
    );
    let problems = huimin_domain::prescriptions::signing_problems(&findings, &overrides);
    if !problems.is_empty() {
        let text: Vec<String> = problems.into_iter().map(|p| p.en).collect();
        return Err(invalid(visit, text.join("; ")));
    }
    let total_fen = lines
        .iter()
        .map(|l| l.drug.price.fen() * i64::from(l.quantity))
        .sum();
    Ok(Some(Evaluated {
        kind,
        lines,
        findings,
        overrides,
        total_fen,
    }))
}

/// The visit's facts the rules read: age, weight, allergies, a stable chronic condition.
pub struct VisitFacts<'a> {
    pub encounter_id: &'a str,
    pub patient_id: &'a str,
    pub role_id: &'a str,
    pub doctor_user: &'a str,
    pub allergies: Vec<String>,
    pub age_months: u32,
}

/// Writes, signs and approves the visit's prescription on the open visit at `at` (the
/// payment that follows pays it); returns its id.
pub async fn write(
    store: &Store,
    visit: &DemoVisit,
    facts: &VisitFacts<'_>,
    at: Timestamp,
) -> Result<Option<String>, DemoError> {
    let weight = visit
        .prescription
        .as_ref()
        .and_then(|p| p.weight_kg)
        .and_then(Micro::parse);
    let patient = PatientFacts {
        age_months: facts.age_months,
        weight_kg: weight,
        pregnant: false,
        allergies: facts.allergies.clone(),
        stable_chronic: true,
        chronic_pain: false,
    };
    let Some(e) = evaluated(visit, &patient)? else {
        return Ok(None);
    };
    let day = at
        .to_zoned(huimin_clock::Clock::default().zone().clone())
        .date();
    let number = prescription_number(day);
    let now = at.as_microsecond();
    let content = signed_content(
        store,
        visit.doctor_key,
        &e,
        &number,
        (facts.patient_id, facts.encounter_id),
        now,
    )
    .await
    .map_err(|e| invalid(visit, format!("{e:?}")))?;
    let items = items(&e);
    let until = day.to_string();
    let record = store
        .insert_prescription(
            &NewPrescription {
                number: &number,
                encounter_id: facts.encounter_id,
                practitioner_id: visit.doctor_key,
                role_id: facts.role_id,
                doctor: facts.doctor_user,
                kind: e.kind.code(),
                long_term: visit.prescription.as_ref().is_some_and(|p| p.long_term),
                content: &content.to_string(),
                total_fen: e.total_fen,
                valid_until: &until,
                items: &items,
            },
            now,
        )
        .await
        .map_err(|err| invalid(visit, err))?;
    let charges: Vec<_> = e.lines.iter().map(|l| charge_of(&l.drug)).collect();
    let reviewed = now + 3 * 60_000_000;
    store
        .decide_prescription(
            &record.id,
            record.version,
            PHARMACIST,
            &Decision::Approve { charges: &charges },
            reviewed,
        )
        .await
        .map_err(|err| invalid(visit, err))?;
    Ok(Some(record.id))
}

/// Dispenses a paid prescription at `at` and hands it over five minutes later.
pub async fn dispense(
    store: &Store,
    visit: &DemoVisit,
    id: &str,
    at: Timestamp,
) -> Result<(), DemoError> {
    let day = at
        .to_zoned(huimin_clock::Clock::default().zone().clone())
        .date();
    store
        .dispense_prescription(id, PHARMACIST, &day.to_string(), at.as_microsecond())
        .await
        .map_err(|err| invalid(visit, err))?;
    store
        .hand_over_prescription(id, at.as_microsecond() + 5 * 60_000_000)
        .await
        .map_err(|err| invalid(visit, err))?;
    Ok(())
}
