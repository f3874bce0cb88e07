//! A prescription as the doctor sends it, checked: the typed lines against the formulary
//! (`check_line`), then every rule of rational drug use over the patient's facts, the
//! doctor's rights, the patient's other active medications and the stock.

use huimin_domain::PractitionerTitle;
use huimin_domain::i18n::Text;
use huimin_domain::prescriptions::checks::{
    ActiveMedication, Finding, Override, PatientFacts, Policy, PrescriberFacts, Prescription,
    Severity, Tables, check,
};
use huimin_domain::prescriptions::prescription::{MAX_VALIDITY_DAYS, PrescriptionKind};
use huimin_domain::prescriptions::{Drug, Line, LineInput, Micro, check_line};
use huimin_store::records::EncounterRecord;
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;
use crate::state::drug_book::DrugTables;

/// Most lines a request may carry (the rules refuse a sixth drug; more is not a prescription).
const MAX_REQUEST_LINES: usize = 20;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    pub drug: String,
    #[serde(default)]
    pub dose: String,
    #[serde(default)]
    pub dose_unit: String,
    pub frequency: String,
    #[serde(default)]
    pub route: String,
    pub days: u32,
    #[serde(default)]
    pub quantity: Option<u32>,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    pub rule: String,
    #[serde(default)]
    pub line: Option<usize>,
    pub reason: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionBody {
    #[serde(default = "ordinary")]
    pub kind: String,
    #[serde(default = "one")]
    pub validity_days: u32,
    #[serde(default)]
    pub long_term: bool,
    /// A recorded assessment with the patient's signature (a long prescription > 4 weeks).
    #[serde(default)]
    pub long_assessment: bool,
    /// The doctor judges the chronic condition on record stable (long prescriptions).
    #[serde(default)]
    pub stable: bool,
    /// Body weight in kg (children's doses).
    #[serde(default)]
    pub weight_kg: Option<String>,
    #[serde(default)]
    pub pregnant: bool,
    pub lines: Vec<LineBody>,
    #[serde(default)]
    pub overrides: Vec<OverrideBody>,
    /// The version amended (PUT only).
    #[serde(default)]
    pub version: Option<i64>,
}

fn ordinary() -> String {
    "ordinary".to_owned()
}

fn one() -> u32 {
    1
}

/// A prescription checked: its lines, what the rules found, the total.
pub struct Evaluated {
    pub kind: PrescriptionKind,
    pub lines: Vec<Line>,
    pub findings: Vec<Finding>,
    pub overrides: Vec<Override>,
    pub total_fen: i64,
}

/// The request's own fields, before any rule: kind, validity, weight, lines.
pub fn parse_lines(
    body: &PrescriptionBody,
    tables: &DrugTables,
) -> Result<(PrescriptionKind, Vec<Line>, Option<Micro>), ApiError> {
    let kind = PrescriptionKind::from_code(body.kind.trim()).ok_or_else(|| {
        ApiError::unprocessable(Text::new(
            format!(
                "处方类别“{}”无效，应为 {} 之一",
                body.kind,
                PrescriptionKind::codes()
            ),
            format!(
                "unknown prescription kind {:?}; use one of {}",
                body.kind,
                PrescriptionKind::codes()
            ),
        ))
        .at("kind")
    })?;
    if !(1..=MAX_VALIDITY_DAYS).contains(&body.validity_days) {
        return Err(ApiError::unprocessable(Text::new(
            format!("处方有效期为 1–{MAX_VALIDITY_DAYS} 天（处方管理办法第十八条）"),
            format!("a prescription is valid for 1 to {MAX_VALIDITY_DAYS} days"),
        ))
        .at("validity_days"));
    }
    if body.lines.is_empty() || body.lines.len() > MAX_REQUEST_LINES {
        return Err(ApiError::unprocessable(Text::new(
            "请至少开具一种药品",
            "Prescribe at least one drug",
        ))
        .at("lines"));
    }
    let weight = match body.weight_kg.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            Micro::parse(text)
                .filter(|w| !w.is_zero() && *w <= Micro::from_whole(500))
                .ok_or_else(|| {
                    ApiError::unprocessable(Text::new(
                        "体重须为 0–500 kg 的数字",
                        "the weight must be a number of kg between 0 and 500",
                    ))
                    .at("weight_kg")
                })?,
        ),
    };
    let mut lines = Vec::new();
    for (i, line) in body.lines.iter().enumerate() {
        let input = LineInput {
            drug: line.drug.clone(),
            dose: line.dose.clone(),
            dose_unit: line.dose_unit.clone(),
            frequency: line.frequency.clone(),
            route: line.route.clone(),
            days: line.days,
            quantity: line.quantity,
            note: line.note.clone(),
        };
        let checked = check_line(&input, i, |code| tables.formulary.get(code))
            .map_err(|p| ApiError::unprocessable(p.text).at(p.field))?;
        lines.push(checked);
    }
    Ok((kind, lines, weight))
}

/// The overrides as typed: a known rule, a line in range, a reason of 2–200 characters.
pub fn parse_overrides(body: &PrescriptionBody, lines: usize) -> Result<Vec<Override>, ApiError> {
    let mut out = Vec::new();
    for (i, o) in body.overrides.iter().enumerate() {
        let reason = o.reason.trim();
        if reason.chars().count() < 2 || reason.chars().count() > 200 || reason.contains(['<', '>'])
        {
            return Err(ApiError::unprocessable(Text::new(
                "忽略警示须填写理由（2–200 个字符）",
                "Overriding a warning needs a reason (2 to 200 characters)",
            ))
            .at(format!("overrides[{i}].reason")));
        }
        if o.line.is_some_and(|l| l >= lines) {
            return Err(ApiError::unprocessable(Text::new(
                "忽略警示所指的药品行不存在",
                "The override names a line the prescription does not have",
            ))
            .at(format!("overrides[{i}].line")));
        }
        out.push(Override {
            rule: o.rule.trim().to_owned(),
            line: o.line,
            reason: reason.to_owned(),
        });
    }
    Ok(out)
}

/// The patient's age in months on `today` (0 when the birth date is unknown).
pub(crate) fn age_months(patient: &Value, today: jiff::civil::Date) -> u32 {
    let Some(birth) = patient["birthDate"]
        .as_str()
        .and_then(|b| b.parse::<jiff::civil::Date>().ok())
    else {
        return 0;
    };
    let months = (i32::from(today.year()) - i32::from(birth.year())) * 12
        + i32::from(today.month())
        - i32::from(birth.month())
        - i32::from(today.day() < birth.day());
    u32::try_from(months).unwrap_or(0)
}

/// The doctor's title on the visit's post (resident when the post names none).
async fn title_of(state: &AppState, role_id: &str) -> Result<PractitionerTitle, ApiError> {
    let role = state
        .store
        .read_resource("PractitionerRole", role_id)
        .await?;
    let title = role.and_then(|r| {
        r.content["code"].as_array()?.iter().find_map(|c| {
            c["coding"].as_array()?.iter().find_map(|coding| {
                (coding["system"] == huimin_fhir::names::TITLE_SYSTEM)
                    .then(|| {
                        coding["code"]
                            .as_str()
                            .and_then(PractitionerTitle::from_code)
                    })
                    .flatten()
            })
        })
    });
    Ok(title.unwrap_or(PractitionerTitle::ResidentPhysician))
}

/// Diagnoses on the patient's record (every note, signed or being written), ICD-10 codes.
async fn diagnoses_of(state: &AppState, patient: &str) -> Result<Vec<String>, ApiError> {
    let mut codes = Vec::new();
    for note in state.store.notes_of_patients(&[patient.to_owned()]).await? {
        if let Some(version) = state.store.note_version(&note.id, note.version).await? {
            for condition in version.content["conditions"]
                .as_array()
                .into_iter()
                .flatten()
            {
                for coding in condition["code"]["coding"].as_array().into_iter().flatten() {
                    if let Some(code) = coding["code"].as_str() {
                        codes.push(code.to_owned());
                    }
                }
            }
        }
    }
    Ok(codes)
}

/// Chronic conditions a long prescription may serve (长期处方管理规范: 慢性病): hypertension,
/// diabetes, ischaemic heart disease, heart failure, lipid disorders, COPD and asthma,
/// chronic kidney disease, thyroid disease, gout, Parkinson's, epilepsy, osteoporosis.
const CHRONIC_PREFIXES: [&str; 16] = [
    "I10", "I11", "I12", "I13", "I15", "E10", "E11", "E14", "I20", "I25", "I50", "E78", "J44",
    "J45", "N18", "E03",
];

/// The active medications of the patient's other prescriptions (approved and on), drug by
/// drug, while their days last, and the medicines recorded from other hospitals.
async fn active_of(
    state: &AppState,
    tables: &DrugTables,
    patient: &str,
    except: Option<&str>,
    now: i64,
) -> Result<Vec<ActiveMedication>, ApiError> {
    let others = state
        .store
        .search_prescriptions(&huimin_store::prescriptions::PrescriptionFilter {
            patients: Some(vec![patient.to_owned()]),
            statuses: Some(
                ["approved", "paid", "dispensed", "collected"]
                    .map(str::to_owned)
                    .to_vec(),
            ),
            limit: 200,
            ..Default::default()
        })
        .await?;
    let mut out = Vec::new();
    for p in others.iter().filter(|p| Some(p.id.as_str()) != except) {
        let content: Value = serde_json::from_str(&p.content).unwrap_or_default();
        for line in content["lines"].as_array().into_iter().flatten() {
            let days = line["days"].as_i64().unwrap_or(0);
            if p.signed_at + days * 86_400_000_000 < now {
                continue;
            }
            let Some(drug) = line["drug"].as_str().and_then(|c| tables.formulary.get(c)) else {
                continue;
            };
            let department = super::views::department_name(state, &p.department_id).await?;
            out.push(ActiveMedication {
                drug: drug.clone(),
                source: department,
            });
        }
    }
    let today = state.clock.today().to_string();
    for taken in state.store.external_medications(patient, &today).await? {
        if let Some(drug) = tables.formulary.get(&taken.drug_code) {
            out.push(ActiveMedication {
                drug: drug.clone(),
                source: Text::new(
                    format!("院外：{}", taken.hospital),
                    format!("another hospital: {}", taken.hospital),
                ),
            });
        }
    }
    Ok(out)
}

/// Runs every rule over the checked lines for this visit and doctor; adds `out-of-stock`
/// blocks for lines the pharmacy cannot fill.
pub async fn evaluate(
    state: &AppState,
    encounter: &EncounterRecord,
    practitioner_id: &str,
    body: &PrescriptionBody,
    tables: &DrugTables,
    except: Option<&str>,
) -> Result<Evaluated, ApiError> {
    let (kind, lines, weight) = parse_lines(body, tables)?;
    let overrides = parse_overrides(body, lines.len())?;
    let today = state.clock.today();
    let now = state.clock.now().as_microsecond();
    let patient = state
        .store
        .read_resource("Patient", &encounter.patient_id)
        .await?
        .map(|r| r.content)
        .unwrap_or_default();
    let allergies = state
        .store
        .allergies_of(&encounter.patient_id)
        .await?
        .iter()
        .filter_map(|a| a.content["code"]["text"].as_str().map(str::to_owned))
        .collect();
    // Only a long prescription asks for a chronic diagnosis: reading every note of the
    // patient is kept off the path each keystroke of an ordinary prescription takes.
    let stable_chronic = body.long_term
        && body.stable
        && diagnoses_of(state, &encounter.patient_id)
            .await?
            .iter()
            .any(|d| CHRONIC_PREFIXES.iter().any(|p| d.starts_with(p)));
    let facts = PatientFacts {
        age_months: age_months(&patient, today),
        weight_kg: weight,
        pregnant: body.pregnant,
        allergies,
        stable_chronic,
        chronic_pain: false,
    };
    let rights = state.store.prescribing_rights(practitioner_id).await?;
    let prescriber = PrescriberFacts {
        title: title_of(
            state,
            encounter.practitioner_role_id.as_deref().unwrap_or(""),
        )
        .await?,
        controlled_qualified: rights.is_some_and(|r| r.controlled),
    };
    let active = active_of(state, tables, &encounter.patient_id, except, now).await?;
    let prescription = Prescription {
        kind,
        long_term: body.long_term,
        long_assessment: body.long_assessment,
        lines: &lines,
    };
    let checked = Tables {
        interactions: &tables.interactions,
        allergens: &tables.allergens,
    };
    let mut findings = check(
        &prescription,
        &facts,
        &prescriber,
        &active,
        &checked,
        &Policy::default(),
    );
    findings.extend(stock_findings(state, &lines, body.validity_days, today).await?);
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let total_fen = lines
        .iter()
        .map(|l| l.drug.price.fen() * i64::from(l.quantity))
        .sum();
    Ok(Evaluated {
        kind,
        lines,
        findings,
        overrides,
        total_fen,
    })
}

/// `out-of-stock` (block): a line wants more packages than the pharmacy has free in lots
/// usable until the prescription's last valid day.
async fn stock_findings(
    state: &AppState,
    lines: &[Line],
    validity_days: u32,
    today: jiff::civil::Date,
) -> Result<Vec<Finding>, ApiError> {
    let until = valid_until(today, validity_days);
    let codes: Vec<String> = lines.iter().map(|l| l.drug.code.clone()).collect();
    let free = state.store.free_stock(&codes, &until).await?;
    let mut findings = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let wanted: i64 = lines
            .iter()
            .filter(|l| l.drug.code == line.drug.code)
            .map(|l| i64::from(l.quantity))
            .sum();
        let have = free
            .iter()
            .find(|(c, _)| *c == line.drug.code)
            .map_or(0, |(_, n)| *n);
        if wanted > have {
            findings.push(out_of_stock(i, &line.drug, wanted, have));
        }
    }
    Ok(findings)
}

fn out_of_stock(line: usize, drug: &Drug, wanted: i64, have: i64) -> Finding {
    let name = drug.name();
    Finding {
        rule: "out-of-stock",
        severity: Severity::Block,
        message: Text::new(
            format!(
                "{}库存不足：需要 {wanted}{unit}，药房现有 {have}{unit}，请换药或减少数量",
                name.zh,
                unit = drug.package_unit
            ),
            format!(
                "{} is out of stock: {wanted} wanted, {have} available in the pharmacy; choose another drug or a smaller quantity",
                name.en
            ),
        ),
        lines: vec![line],
        data: vec![
            ("drug", drug.code.clone()),
            ("wanted", wanted.to_string()),
            ("available", have.to_string()),
        ],
    }
}

/// The last day a prescription written today may be paid and dispensed.
pub fn valid_until(today: jiff::civil::Date, validity_days: u32) -> String {
    today
        .checked_add(jiff::Span::new().days(i64::from(validity_days) - 1))
        .unwrap_or(today)
        .to_string()
}
