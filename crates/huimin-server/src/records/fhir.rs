//! The record at `/fhir`: `Encounter` (read, search), `Composition` (read, `_history`,
//! version reads), `Condition`, `AllergyIntolerance`, `Provenance` (reads) and
//! `Patient/{id}/$everything`. Every read is authorised by `access` and audited there.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_domain::records::VisitStatus;
use huimin_domain::roles::Role;
use huimin_fhir::{Bundle, BundleEntry, BundleLink, BundleType};
use huimin_store::records::{EncounterFilter, NoteRecord, NoteVersion};
use serde::Serialize;
use serde_json::Value;

use super::access::{Part, Reach, authorize_read};
use super::views;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::fhir::{base_url, fhir_response};
use crate::state::AppState;

fn to_json<T: Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|_| ApiError::internal())
}

fn break_glass(params: &[(String, String)]) -> Option<&str> {
    params
        .iter()
        .find(|(k, _)| k == "break_glass")
        .map(|(_, v)| v.as_str())
}

/// `GET /fhir/Encounter/{id}`.
pub async fn read_encounter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let resource = format!("Encounter/{id}");
    let encounter = state
        .store
        .encounter(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&resource))?;
    authorize_read(
        &state,
        &ctx,
        &encounter.patient_id,
        Part::Visits,
        &resource,
        break_glass(&params),
    )
    .await?;
    Ok(fhir_response(
        StatusCode::OK,
        &to_json(&views::encounter(&encounter))?,
    ))
}

fn bad_param(name: &str, text: Text) -> ApiError {
    ApiError::bad_request(text).at(name.to_owned())
}

/// `GET /fhir/Encounter?patient=&date=&status=&appointment=&practitioner=`. Patients search
/// their family's visits; staff name a patient (authorised as a read of their record) or
/// their own post as `practitioner`.
pub async fn search_encounters(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let mut filter = EncounterFilter {
        limit: 100,
        ..Default::default()
    };
    let mut patient = None;
    for (name, value) in &params {
        match name.as_str() {
            "patient" | "subject" => {
                patient = Some(huimin_fhir::Reference::local_id("Patient", value).to_owned());
            }
            "status" => {
                filter.status = Some(VisitStatus::from_code(value).ok_or_else(|| {
                    bad_param(
                        "status",
                        Text::new(
                            format!("未知的就诊状态：{value}"),
                            format!("Unknown encounter status: {value}"),
                        ),
                    )
                })?);
            }
            "appointment" => {
                filter.appointment =
                    Some(huimin_fhir::Reference::local_id("Appointment", value).to_owned());
            }
            "practitioner" | "participant" => {
                filter.practitioner_role =
                    Some(huimin_fhir::Reference::local_id("PractitionerRole", value).to_owned());
            }
            "date" => {
                let (prefix, date) = match value.get(..2) {
                    Some(p @ ("ge" | "le" | "eq" | "gt" | "lt")) => (p, &value[2..]),
                    _ => ("eq", value.as_str()),
                };
                if date.parse::<jiff::civil::Date>().is_err() {
                    return Err(bad_param(
                        "date",
                        Text::new(
                            "日期格式应为 YYYY-MM-DD，可加前缀 ge/le",
                            "Dates are YYYY-MM-DD, optionally prefixed ge/le",
                        ),
                    ));
                }
                match prefix {
                    "ge" | "gt" => filter.date_from = Some(date.to_owned()),
                    "le" | "lt" => filter.date_to = Some(date.to_owned()),
                    _ => {
                        filter.date_from = Some(date.to_owned());
                        filter.date_to = Some(date.to_owned());
                    }
                }
            }
            "_count" => {
                filter.limit = value.parse().unwrap_or(100);
            }
            "break_glass" => {}
            other => {
                return Err(bad_param(
                    other,
                    Text::new(
                        format!("不支持的查询参数：{other}"),
                        format!("Unsupported search parameter: {other}"),
                    ),
                ));
            }
        }
    }
    if patient.is_none()
        && caller.role != Role::Patient
        && let Some(appointment) = &filter.appointment
    {
        // Staff asking for an appointment's visit: authorised as a read of its patient.
        patient = state
            .store
            .encounter_of_appointment(appointment)
            .await?
            .map(|e| e.patient_id);
    }
    if caller.role == Role::Patient {
        let family = caller.patient_ids.clone();
        filter.patients = Some(match &patient {
            Some(p) if family.contains(p) => vec![p.clone()],
            Some(_) => Vec::new(),
            None => family,
        });
        crate::audit::record(
            &state,
            &ctx,
            "read",
            "Encounter",
            crate::audit::SUCCESS,
            "search",
        )
        .await?;
    } else if let Some(p) = &patient {
        authorize_read(
            &state,
            &ctx,
            p,
            Part::Visits,
            &format!("Patient/{p}"),
            break_glass(&params),
        )
        .await?;
        filter.patients = Some(vec![p.clone()]);
    } else {
        // Without a patient: only a doctor's own post.
        let own = match (&caller.practitioner_id, &filter.practitioner_role) {
            (Some(practitioner), Some(role)) => crate::appointments::roles_of(&state, practitioner)
                .await?
                .contains(role),
            _ => false,
        };
        if !own {
            crate::audit::record(
                &state,
                &ctx,
                "read",
                "Encounter",
                crate::audit::DENIED,
                "search without patient",
            )
            .await?;
            return Err(bad_param(
                "patient",
                Text::new(
                    "请指定患者（patient），或以本人岗位（practitioner）查询",
                    "Name the patient, or search your own post (practitioner)",
                ),
            ));
        }
        crate::audit::record(
            &state,
            &ctx,
            "read",
            "Encounter",
            crate::audit::SUCCESS,
            "search",
        )
        .await?;
    }
    let found = state.store.search_encounters(&filter).await?;
    let base = base_url(&headers);
    let entries = found
        .iter()
        .map(|e| {
            Ok(BundleEntry::matched(
                format!("{base}/Encounter/{}", e.id),
                to_json(&views::encounter(e))?,
            ))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let bundle = Bundle::searchset(
        entries.len() as u64,
        entries,
        vec![BundleLink::new("self", format!("{base}/Encounter"))],
    );
    Ok(fhir_response(StatusCode::OK, &to_json(&bundle)?))
}

/// A note the caller may read: authorised, and for patients signed.
async fn readable_note(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    part: Part,
    resource: &str,
    params: &[(String, String)],
) -> Result<NoteRecord, ApiError> {
    let head = state
        .store
        .note(id)
        .await?
        .ok_or_else(|| ApiError::not_found(resource))?;
    let reach = authorize_read(
        state,
        ctx,
        &head.patient_id,
        part,
        resource,
        break_glass(params),
    )
    .await?;
    if reach == Reach::Family && !head.is_signed() {
        return Err(ApiError::not_found(resource));
    }
    Ok(head)
}

/// A version's Composition with its `meta`.
fn composition_of(version: &NoteVersion) -> Value {
    let mut c = version.content["composition"].clone();
    let updated = version
        .signature
        .as_ref()
        .map_or(version.created_at, |s| s.signed_at);
    c["meta"] = serde_json::json!({
        "versionId": version.version.to_string(),
        "lastUpdated": huimin_store::instant_text(updated),
    });
    c
}

/// Versions a reader sees: signed ones, and the draft for staff.
fn visible(version: &NoteVersion, reach: &Reach) -> bool {
    version.signature.is_some() || *reach != Reach::Family
}

/// `GET /fhir/Composition/{id}`.
pub async fn read_composition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let resource = format!("Composition/{id}");
    let head = readable_note(&state, &ctx, &id, Part::Notes, &resource, &params).await?;
    let version = state
        .store
        .note_version(&id, head.version)
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok(fhir_response(StatusCode::OK, &composition_of(&version)))
}

/// `GET /fhir/Composition/{id}/_history/{version}`.
pub async fn vread_composition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, version)): Path<(String, String)>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let resource = format!("Composition/{id}/_history/{version}");
    let head = readable_note(&state, &ctx, &id, Part::Notes, &resource, &params).await?;
    let found = match version.parse::<i64>() {
        Ok(v) => state.store.note_version(&id, v).await?,
        Err(_) => None,
    };
    match found {
        Some(v) if v.signature.is_some() || head.is_signed() || v.version == head.version => {
            Ok(fhir_response(StatusCode::OK, &composition_of(&v)))
        }
        _ => Err(ApiError::not_found(&resource)),
    }
}

/// `GET /fhir/Composition/{id}/_history`: every version, latest first.
pub async fn history_composition(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let resource = format!("Composition/{id}/_history");
    let head = readable_note(&state, &ctx, &id, Part::Notes, &resource, &params).await?;
    let reach = if ctx.require()?.role == Role::Patient {
        Reach::Family
    } else {
        Reach::Care
    };
    let base = base_url(&headers);
    let mut entries = Vec::new();
    for v in state.store.note_versions(&head.id).await?.iter().rev() {
        if !visible(v, &reach) {
            continue;
        }
        entries.push(BundleEntry {
            full_url: Some(format!("{base}/Composition/{id}/_history/{}", v.version)),
            resource: Some(composition_of(v)),
            ..Default::default()
        });
    }
    let mut bundle = Bundle::new(BundleType::History);
    bundle.total = Some(entries.len() as u32);
    bundle.entry = entries;
    Ok(fhir_response(StatusCode::OK, &to_json(&bundle)?))
}

/// Splits `{note}-v{version}` (and a trailing `-d{n}`).
fn split_id(id: &str) -> Option<(&str, i64, Option<usize>)> {
    let (rest, diagnosis) = match id.rsplit_once("-d") {
        Some((r, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
            (r, n.parse().ok())
        }
        _ => (id, None),
    };
    let (note, version) = rest.rsplit_once("-v")?;
    Some((note, version.parse().ok()?, diagnosis))
}

/// `GET /fhir/Condition/{id}`: a diagnosis of a note version.
pub async fn read_condition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let resource = format!("Condition/{id}");
    let Some((note, version, Some(n))) = split_id(&id) else {
        return Err(ApiError::not_found(&resource));
    };
    let head = readable_note(&state, &ctx, note, Part::Diagnoses, &resource, &params).await?;
    let found = state.store.note_version(&head.id, version).await?;
    let condition = found
        .filter(|v| v.signature.is_some() || ctx.require().is_ok_and(|c| c.role != Role::Patient))
        .and_then(|v| {
            v.content["conditions"]
                .as_array()
                .and_then(|c| c.get(n.wrapping_sub(1)).cloned())
        })
        .ok_or_else(|| ApiError::not_found(&resource))?;
    Ok(fhir_response(StatusCode::OK, &condition))
}

/// `GET /fhir/Provenance/{id}`: the signature of a note version.
pub async fn read_provenance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let resource = format!("Provenance/{id}");
    let Some((note, version, None)) = split_id(&id) else {
        return Err(ApiError::not_found(&resource));
    };
    let head = readable_note(&state, &ctx, note, Part::Notes, &resource, &params).await?;
    let found = state.store.note_version(&head.id, version).await?;
    let Some((v, signature)) = found.and_then(|v| v.signature.clone().map(|s| (v, s))) else {
        return Err(ApiError::not_found(&resource));
    };
    let reason = v.content["amendment"]["reason"].as_str();
    Ok(fhir_response(
        StatusCode::OK,
        &to_json(&views::provenance(&head, v.version, &signature, reason))?,
    ))
}

/// `GET /fhir/AllergyIntolerance/{id}`.
pub async fn read_allergy(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let resource = format!("AllergyIntolerance/{id}");
    let allergy = state
        .store
        .allergy(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&resource))?;
    authorize_read(
        &state,
        &ctx,
        &allergy.patient_id,
        Part::Allergies,
        &resource,
        break_glass(&params),
    )
    .await?;
    Ok(fhir_response(StatusCode::OK, &allergy.content))
}

/// `GET /fhir/Patient/{id}/$everything`: the whole record as a searchset Bundle: the
/// Patient, their visits and appointments, signed notes (every version's Composition,
/// Conditions and Provenance), and allergies.
pub async fn everything(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let resource = format!("Patient/{id}/$everything");
    let patient = state
        .store
        .read_resource("Patient", &id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Patient/{id}")))?;
    authorize_read(
        &state,
        &ctx,
        &id,
        Part::Notes,
        &resource,
        break_glass(&params),
    )
    .await?;
    let base = base_url(&headers);
    let mut entries = vec![BundleEntry::matched(
        format!("{base}/Patient/{id}"),
        patient.content,
    )];
    let encounters = state
        .store
        .search_encounters(&EncounterFilter {
            patients: Some(vec![id.clone()]),
            limit: 500,
            ..Default::default()
        })
        .await?;
    for e in &encounters {
        entries.push(BundleEntry::matched(
            format!("{base}/Encounter/{}", e.id),
            to_json(&views::encounter(e))?,
        ));
        if let Some(a) = state.store.appointment(&e.appointment_id).await?
            && let Some((slot, session)) = state.store.slot_and_session(&a.slot_id).await?
        {
            entries.push(BundleEntry::matched(
                format!("{base}/Appointment/{}", a.id),
                crate::appointments::views::appointment(&a, &session, &slot, None),
            ));
        }
    }
    for head in state
        .store
        .notes_of_patients(std::slice::from_ref(&id))
        .await?
    {
        for v in state.store.note_versions(&head.id).await? {
            let Some(signature) = &v.signature else {
                continue;
            };
            if v.version == head.version {
                entries.push(BundleEntry::matched(
                    format!("{base}/Composition/{}", head.id),
                    composition_of(&v),
                ));
                for c in v.content["conditions"].as_array().into_iter().flatten() {
                    entries.push(BundleEntry::matched(
                        format!("{base}/Condition/{}", c["id"].as_str().unwrap_or_default()),
                        c.clone(),
                    ));
                }
            }
            let reason = v.content["amendment"]["reason"].as_str();
            let p = views::provenance(&head, v.version, signature, reason);
            entries.push(BundleEntry::matched(
                format!("{base}/Provenance/{}", p.id.clone().unwrap_or_default()),
                to_json(&p)?,
            ));
        }
    }
    for a in state.store.allergies_of(&id).await? {
        entries.push(BundleEntry::matched(
            format!("{base}/AllergyIntolerance/{}", a.id),
            a.content,
        ));
    }
    let bundle = Bundle::searchset(
        entries.len() as u64,
        entries,
        vec![BundleLink::new("self", format!("{base}/{resource}"))],
    );
    Ok(fhir_response(StatusCode::OK, &to_json(&bundle)?))
}
