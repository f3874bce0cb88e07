//! `GET /api/visits/{id}/pdf`: the visit's latest signed note printed as a PDF for whoever
//! may read the visit (the patient's family, the doctors of the care rule), with a fresh
//! verification code registered by [`issue_visit_pdf`].

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::directory::age_on;
use huimin_domain::i18n::Text;
use huimin_domain::masking::mask_document_number;
use huimin_domain::records::{
    AllergyLine, AllergySeverity, Certainty, DiagnosisLine, NoteSection, Section, SignatureLine,
    SignatureStatus, VerificationCode, VisitDocument,
};
use huimin_store::records::notifiable::fields_from_patient;
use huimin_store::records::{EncounterRecord, NoteVersion};
use huimin_store::{IndexValue, Match, SearchClause, SearchQuery};
use jiff::civil::Date;
use serde_json::Value;

use super::access::{Part, authorize_read};
use super::documents::{IssueRefs, issue_visit_pdf, site_base};
use super::views;
use super::visits::ReadQuery;
use crate::error::ApiError;
use crate::state::AppState;

fn no_signed_note() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        Text::new(
            "这次就诊还没有已签名的病历，签名后才能下载",
            "This visit has no signed note yet: the record can be downloaded once the doctor signs it",
        ),
    )
    .at("note")
}

/// `GET /api/visits/{id}/pdf`.
pub async fn visit_pdf(
    State(state): State<AppState>,
    ctx: crate::context::Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ReadQuery>,
) -> Result<Response, ApiError> {
    ctx.require()?;
    let encounter = state
        .store
        .encounter(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Encounter/{id}")))?;
    authorize_read(
        &state,
        &ctx,
        &encounter.patient_id,
        Part::Visits,
        &format!("Encounter/{id}"),
        query.break_glass.as_deref(),
    )
    .await?;
    let head = state
        .store
        .note_of_encounter(&encounter.id)
        .await?
        .ok_or_else(no_signed_note)?;
    let versions = state.store.note_versions(&head.id).await?;
    let signed = versions
        .iter()
        .filter(|v| v.version <= head.version && v.signature.is_some())
        .max_by_key(|v| v.version)
        .ok_or_else(no_signed_note)?;
    let doc = document(&state, &encounter, signed, &versions).await?;
    let refs = IssueRefs {
        patient_id: encounter.patient_id.clone(),
        encounter_id: encounter.id.clone(),
        composition_id: head.id.clone(),
        composition_version: signed.version.to_string(),
        visit_date: encounter.session_date.clone(),
    };
    let issued = issue_visit_pdf(&state, &ctx, &site_base(&headers), doc, &refs).await?;
    let disposition = format!("attachment; filename=\"visit-{}.pdf\"", refs.visit_date);
    let mut response = issued.bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

fn local(state: &AppState, micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| {
            t.to_zoned(state.clock.zone().clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// `45岁`, or `8月` under a year; empty without a birth date.
fn age_text(birth: Option<Date>, on: Option<Date>) -> String {
    let (Some(birth), Some(on)) = (birth, on) else {
        return String::new();
    };
    let years = age_on(birth, on);
    if years >= 1 {
        return format!("{years}岁");
    }
    let mut months = (i32::from(on.year()) - i32::from(birth.year())) * 12 + i32::from(on.month())
        - i32::from(birth.month());
    if on.day() < birth.day() {
        months -= 1;
    }
    format!("{}月", months.max(0))
}

/// The hospital (the organisation of type `prov`): names and address.
pub(crate) async fn hospital(state: &AppState) -> Result<(String, String, String), ApiError> {
    let query = SearchQuery {
        clauses: vec![SearchClause {
            param: "type".into(),
            any_of: vec![Match::Exact(IndexValue::Plain("*|prov".into()))],
            negated: false,
        }],
        count: 1,
        ..SearchQuery::default()
    };
    let found = state.store.search_resources("Organization", &query).await?;
    let Some(org) = found.items.first().map(|r| &r.content) else {
        return Err(ApiError::conflict(Text::new(
            "医院信息尚未登记，暂不能打印病历；请联系医院管理员",
            "The hospital is not in the directory yet, so records cannot be printed; please tell the hospital's administrator",
        ))
        .at("hospital"));
    };
    let zh = org["name"].as_str().unwrap_or_default().to_owned();
    let en = org["alias"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .find(|s| s.is_ascii() && !s.is_empty())
        })
        .unwrap_or_default()
        .to_owned();
    let address = org["address"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok((zh, en, address))
}

async fn name_of(state: &AppState, kind: &str, id: Option<&str>) -> Result<String, ApiError> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    let content = state
        .store
        .read_resource(kind, id)
        .await?
        .map(|r| r.content)
        .unwrap_or_default();
    if kind != "PractitionerRole" {
        return Ok(content["name"].as_str().unwrap_or_default().to_owned());
    }
    if let Some(display) = content["practitioner"]["display"]
        .as_str()
        .filter(|d| !d.is_empty())
    {
        return Ok(display.to_owned());
    }
    // A post without the doctor's name beside it: the Practitioner's own.
    let practitioner = content["practitioner"]["reference"]
        .as_str()
        .and_then(|r| r.strip_prefix("Practitioner/"));
    let Some(practitioner) = practitioner else {
        return Ok(String::new());
    };
    Ok(state
        .store
        .read_resource("Practitioner", practitioner)
        .await?
        .and_then(|p| p.content["name"][0]["text"].as_str().map(str::to_owned))
        .unwrap_or_default())
}

/// The printed record of `signed`, the latest signed version of the visit's note.
async fn document(
    state: &AppState,
    encounter: &EncounterRecord,
    signed: &NoteVersion,
    versions: &[NoteVersion],
) -> Result<VisitDocument, ApiError> {
    let (hospital_zh, hospital_en, address) = hospital(state).await?;
    let patient = state
        .store
        .read_resource("Patient", &encounter.patient_id)
        .await?
        .map(|p| fields_from_patient(&p.content))
        .unwrap_or_default();
    let doctor = name_of(
        state,
        "PractitionerRole",
        encounter.practitioner_role_id.as_deref(),
    )
    .await?;
    let department = name_of(state, "Organization", Some(&encounter.department_id)).await?;
    let input = &signed.content["input"];
    let text = |v: &Value| v.as_str().unwrap_or_default().trim().to_owned();
    let sections: Vec<NoteSection> = Section::ALL
        .into_iter()
        .filter_map(|s| {
            let body = text(&input["sections"][s.key()]);
            (!body.is_empty()).then(|| NoteSection::new(s.title().zh, body))
        })
        .collect();
    let diagnoses: Vec<DiagnosisLine> = input["diagnoses"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, d)| DiagnosisLine {
            code: text(&d["code"]),
            name: text(&d["name"]),
            primary: i == 0,
            certainty: d["certainty"]
                .as_str()
                .and_then(Certainty::from_code)
                .unwrap_or(Certainty::Confirmed),
        })
        .collect();
    let allergies = state
        .store
        .allergies_of(&encounter.patient_id)
        .await?
        .iter()
        .map(|a| {
            let (substance, reaction, severity) = views::allergy_facts(&a.content);
            AllergyLine {
                substance,
                reaction,
                severity: AllergySeverity::from_code(&severity)
                    .map(|s| s.label().zh)
                    .unwrap_or(severity),
            }
        })
        .collect();
    let signature = signed.signature.as_ref().ok_or_else(ApiError::internal)?;
    let status = if signed.version > 1 {
        SignatureStatus::Amended {
            version: u32::try_from(signed.version).unwrap_or(u32::MAX),
            reasons: versions
                .iter()
                .filter(|v| v.version > 1 && v.version <= signed.version)
                .filter_map(|v| v.content["amendment"]["reason"].as_str())
                .map(str::to_owned)
                .collect(),
        }
    } else {
        SignatureStatus::Signed
    };
    let visited_at = encounter.started_at.unwrap_or(encounter.arrived_at);
    Ok(VisitDocument {
        hospital_name_zh: hospital_zh,
        hospital_name_en: hospital_en,
        hospital_address: address,
        patient_sex: match patient.sex.as_str() {
            "male" => "男",
            "female" => "女",
            _ => "未知",
        }
        .into(),
        patient_age: age_text(patient.birth_date, encounter.session_date.parse().ok()),
        patient_id_masked: mask_document_number(&patient.id_number),
        patient_name: patient.patient_name,
        visit_number: encounter.id.clone(),
        visited_at: local(state, visited_at),
        department,
        doctor: doctor.clone(),
        sections,
        diagnoses,
        allergies,
        results: crate::results::views::printed(state, &encounter.id).await?,
        signature: SignatureLine {
            doctor,
            signed_at: local(state, signature.signed_at),
            key_id: signature.key_id.clone(),
            status,
        },
        // Both are replaced by the fresh code when the record is issued.
        code: VerificationCode::generate(&mut rand::rng()),
        verify_url: String::new(),
        printed_at: local(state, state.clock.now().as_microsecond()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_age_is_in_years_from_one_and_in_months_below() {
        let d = |s: &str| s.parse::<Date>().ok();
        assert_eq!(age_text(d("1981-12-08"), d("2026-12-07")), "44岁");
        assert_eq!(age_text(d("1981-12-07"), d("2026-12-07")), "45岁");
        assert_eq!(age_text(d("2026-04-10"), d("2026-12-07")), "7月");
        assert_eq!(age_text(None, d("2026-12-07")), "");
    }
}
