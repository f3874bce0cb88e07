//! The standard scheduling searches: `GET /fhir/Schedule`, `/fhir/Slot` and
//! `/fhir/Appointment` (and `POST …/_search`), with the parameters, sort keys and includes
//! `fhir::scheduling` declares, the shaping every search shares (`fhir::controls`), and
//! lenient handling. Schedules and Slots are public; Appointments are personal: patients see
//! their family's, staff any, and every search is audited.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::roles::Role;
use huimin_fhir::names::{DEPARTMENT_CODE_SYSTEM, PERIOD_SYSTEM};
use huimin_store::appointments::{
    BookingClause, BookingQuery, BookingTable, Cmp, Cond, Field, SessionRecord, SlotRecord,
};
use huimin_store::{IndexValue, Match, SearchClause, SearchQuery};
use serde_json::{Value, json};

use super::views;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::fhir::controls::{Controls, Include, Summary};
use crate::fhir::filters::{self, served_among};
use crate::fhir::include::{self, Included, MAX_REVINCLUDED};
use crate::fhir::kinds::{ParamDef, ParamKind};
use crate::fhir::params::bad;
use crate::fhir::scheduling::{APPOINTMENT, SCHEDULE, SLOT, SchedulingType};
use crate::fhir::search::audited_query;
use crate::fhir::{base_url, dates, fhir_response};
use crate::state::AppState;

/// Query-string pairs of a GET search.
fn query_pairs(query: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// Query-string and form pairs of a `POST …/_search`.
fn form_pairs(query: Option<String>, body: &[u8]) -> Vec<(String, String)> {
    let mut pairs = query_pairs(query);
    pairs.extend(url::form_urlencoded::parse(body).into_owned());
    pairs
}

#[tracing::instrument(skip_all)]
pub async fn schedules(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    run(&state, &ctx, &SCHEDULE, query_pairs(query), &headers).await
}

#[tracing::instrument(skip_all)]
pub async fn slots(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    run(&state, &ctx, &SLOT, query_pairs(query), &headers).await
}

#[tracing::instrument(skip_all)]
pub async fn appointments(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    run(&state, &ctx, &APPOINTMENT, query_pairs(query), &headers).await
}

#[tracing::instrument(skip_all)]
pub async fn schedules_form(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    run(&state, &ctx, &SCHEDULE, form_pairs(query, &body), &headers).await
}

#[tracing::instrument(skip_all)]
pub async fn slots_form(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    run(&state, &ctx, &SLOT, form_pairs(query, &body), &headers).await
}

#[tracing::instrument(skip_all)]
pub async fn appointments_form(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    run(
        &state,
        &ctx,
        &APPOINTMENT,
        form_pairs(query, &body),
        &headers,
    )
    .await
}

fn table_of(ty: &SchedulingType) -> BookingTable {
    match ty.name {
        "Schedule" => BookingTable::Sessions,
        "Slot" => BookingTable::Slots,
        _ => BookingTable::Appointments,
    }
}

/// A page of rows of one of the three tables.
enum Rows {
    Sessions(Vec<SessionRecord>),
    Slots(Vec<(SessionRecord, SlotRecord)>),
    Appointments(
        Vec<(
            huimin_store::appointments::AppointmentRecord,
            SlotRecord,
            SessionRecord,
        )>,
    ),
}

async fn run(
    state: &AppState,
    ctx: &Ctx,
    ty: &SchedulingType,
    pairs: Vec<(String, String)>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let audited = audited_query(ty.name, &pairs);
    let personal = ty.name == APPOINTMENT.name;
    let own_patients = if personal {
        match appointment_scope(ctx) {
            Ok(scope) => scope,
            Err(denied) => {
                if ctx.caller.is_some() {
                    audit::record(state, ctx, "search", &audited, DENIED, "role not allowed")
                        .await?;
                }
                return Err(denied);
            }
        }
    } else {
        None
    };
    let mut controls = Controls::read(&pairs, headers)?;
    let mut query = BookingQuery {
        table: table_of(ty),
        clauses: Vec::new(),
        sort: Vec::new(),
        count: if controls.summary == Summary::Count {
            0
        } else {
            controls.count
        },
        offset: controls.offset,
    };
    for (key, value) in controls.filters.clone() {
        match served_among(ty.name, ty.all_params(), &key) {
            Err(unknown) => controls.refuse_or_ignore(unknown)?,
            Ok((def, modifier)) => {
                if query.clauses.len() == filters::MAX_FILTERS {
                    return Err(bad(
                        &key,
                        format!("一次搜索最多 {} 个筛选参数", filters::MAX_FILTERS),
                        format!(
                            "A search takes at most {} filter parameters",
                            filters::MAX_FILTERS
                        ),
                    ));
                }
                let found = clause(state, ty, def, modifier, &key, &value).await?;
                query.clauses.push(found);
            }
        }
    }
    if let Some(patients) = &own_patients {
        query.clauses.push(BookingClause {
            any_of: patients
                .iter()
                .map(|p| Cond::Is(Field::Patient, p.clone()))
                .collect(),
            negated: false,
        });
    }
    query.sort = sort(ty, &mut controls)?;
    let (total, rows) = match query.table {
        BookingTable::Sessions => {
            let page = state.store.search_sessions(&query).await?;
            (page.total, Rows::Sessions(page.rows))
        }
        BookingTable::Slots => {
            let page = state.store.search_slots(&query).await?;
            (page.total, Rows::Slots(page.rows))
        }
        BookingTable::Appointments => {
            let page = state.store.search_appointments(&query).await?;
            (page.total, Rows::Appointments(page.rows))
        }
    };
    if personal {
        let detail = format!("{} of {total} results", rows_len(&rows));
        audit::record(state, ctx, "search", &audited, SUCCESS, &detail).await?;
    }
    let codes = department_codes(state, &rows).await?;
    let matches = views_of(state, &rows, &codes).await?;
    let included = includes(state, ctx, ty, &mut controls, &rows, &codes).await?;
    let base = base_url(headers);
    let page = crate::fhir::http::Page {
        base: &base,
        resource_type: ty.name,
        filters: &controls.link_params,
        count: query.count,
        offset: query.offset,
        total,
    };
    let matches = matches
        .into_iter()
        .map(|(id, mut resource)| {
            controls.shape(&mut resource);
            (id, resource)
        })
        .collect();
    let outcome = controls.outcome_entry(ctx.lang);
    Ok(fhir_response(
        StatusCode::OK,
        &page.searchset(matches, included, outcome),
    ))
}

fn rows_len(rows: &Rows) -> usize {
    match rows {
        Rows::Sessions(r) => r.len(),
        Rows::Slots(r) => r.len(),
        Rows::Appointments(r) => r.len(),
    }
}

/// Whose appointments the caller may search: a patient account its family's (`Some`), staff
/// everyone's (`None`); anyone else is refused.
fn appointment_scope(ctx: &Ctx) -> Result<Option<Vec<String>>, ApiError> {
    let caller = ctx.require()?;
    match caller.role {
        Role::Patient => Ok(Some(caller.patient_ids.clone())),
        role if role.is_staff() => Ok(None),
        _ => Err(ApiError::forbidden()),
    }
}

/// The sort keys asked for, or the type's default order.
fn sort(ty: &SchedulingType, controls: &mut Controls) -> Result<Vec<(Field, bool)>, ApiError> {
    let field = |name: &str| match (ty.name, name) {
        ("Schedule", "date") => Some(Field::SessionStart),
        ("Schedule", "_id") => Some(Field::SessionId),
        ("Slot", "start") => Some(Field::SlotStart),
        ("Slot", "_id") => Some(Field::SlotId),
        ("Appointment", "date") => Some(Field::SlotStart),
        ("Appointment", "_lastUpdated") => Some(Field::AppointmentUpdated),
        ("Appointment", "_id") => Some(Field::AppointmentId),
        _ => None,
    };
    let mut keys = Vec::new();
    for (name, descending) in controls.sort.clone() {
        match field(&name).filter(|_| ty.sort_names().contains(&name.as_str())) {
            Some(f) => keys.push((f, descending)),
            None => {
                let served = ty.sort_names().join(", ");
                controls.refuse_or_ignore(bad(
                    "_sort",
                    format!("{} 不支持按 {name} 排序（支持 {served}）", ty.name),
                    format!("{} cannot be sorted by {name} (use {served})", ty.name),
                ))?;
            }
        }
    }
    if keys.is_empty() {
        let default = ty.sorts[0];
        let name = default.trim_start_matches('-');
        keys.extend(field(name).map(|f| (f, default.starts_with('-'))));
    }
    Ok(keys)
}

/// The field that names a row of the type.
fn id_field(ty: &SchedulingType) -> Field {
    match ty.name {
        "Schedule" => Field::SessionId,
        "Slot" => Field::SlotId,
        _ => Field::AppointmentId,
    }
}

/// The fields whose presence `:missing` asks about.
fn presence(ty: &SchedulingType, name: &str) -> Vec<Field> {
    match name {
        "actor" if ty.name == "Schedule" => vec![Field::Role, Field::Room],
        "actor" => vec![Field::Patient, Field::Role, Field::Room],
        "practitioner" => vec![Field::Role],
        "location" => vec![Field::Room],
        "patient" => vec![Field::Patient],
        "schedule" => vec![Field::SessionId],
        "slot" => vec![Field::SlotId],
        "_id" => vec![id_field(ty)],
        "status" if ty.name == "Slot" => vec![Field::SlotStatus],
        "status" => vec![Field::AppointmentStatus],
        "active" => vec![Field::SessionStatus],
        "service-type" => vec![Field::Period],
        _ => vec![Field::Department],
    }
}

/// One filter parameter (`name:modifier=a,b`) → a clause over the booking tables.
async fn clause(
    state: &AppState,
    ty: &SchedulingType,
    def: &ParamDef,
    modifier: Option<&str>,
    key: &str,
    value: &str,
) -> Result<BookingClause, ApiError> {
    let values: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return Err(bad(
            key,
            format!("搜索参数 {key} 没有值"),
            format!("Search parameter {key} has no value"),
        ));
    }
    if values.len() > filters::MAX_OR_VALUES {
        return Err(bad(
            key,
            format!("搜索参数 {key} 最多列出 {} 个值", filters::MAX_OR_VALUES),
            format!(
                "Search parameter {key} lists at most {} values",
                filters::MAX_OR_VALUES
            ),
        ));
    }
    if modifier == Some("missing") {
        let negated = match values.as_slice() {
            ["true"] => true,
            ["false"] => false,
            _ => {
                return Err(bad(
                    key,
                    format!("{key} 的值须为 true 或 false"),
                    format!("{key} must be true or false"),
                ));
            }
        };
        let any_of = presence(ty, def.name)
            .into_iter()
            .map(Cond::Present)
            .collect();
        return Ok(BookingClause { any_of, negated });
    }
    let mut negated = modifier == Some("not");
    let mut any_of = Vec::new();
    for v in values {
        match def.kind {
            ParamKind::Instant => {
                let date = dates::parse(key, v, &state.clock)?;
                let bounds = date.bounds();
                negated |= bounds.negated;
                let (start, end) = match (ty.name, def.name) {
                    ("Schedule", _) => (Field::SessionStart, Field::SessionEnd),
                    (_, "_lastUpdated") => (Field::AppointmentUpdated, Field::AppointmentUpdated),
                    _ => (Field::SlotStart, Field::SlotStart),
                };
                let parts = bounds
                    .parts
                    .into_iter()
                    .map(|(on_end, after, micros)| {
                        let field = if on_end { end } else { start };
                        let cmp = if after { Cmp::Ge } else { Cmp::Lt };
                        Cond::At(field, cmp, micros)
                    })
                    .collect();
                any_of.push(Cond::All(parts));
            }
            ParamKind::Reference(target) => {
                any_of.extend(reference(state, ty, def.name, target, key, v).await?);
            }
            ParamKind::Coding => any_of.push(coding(def.name, key, v)?),
            _ => any_of.push(code(ty, def.name, key, v)?),
        }
    }
    if any_of.is_empty() {
        any_of.push(Cond::Never);
    }
    Ok(BookingClause { any_of, negated })
}

/// `_id`, `status`, `active`.
fn code(ty: &SchedulingType, name: &str, key: &str, value: &str) -> Result<Cond, ApiError> {
    Ok(match name {
        "_id" => Cond::Is(id_field(ty), value.to_owned()),
        "status" if ty.name == "Slot" => Cond::Is(Field::SlotStatus, value.to_owned()),
        "status" => Cond::Is(Field::AppointmentStatus, value.to_owned()),
        _ => match value {
            "true" => Cond::Is(Field::SessionStatus, "active".into()),
            "false" => Cond::Is(Field::SessionStatus, "suspended".into()),
            _ => {
                return Err(bad(
                    key,
                    format!("{key} 的值须为 true 或 false"),
                    format!("{key} must be true or false"),
                ));
            }
        },
    })
}

/// `service-type` (the clinic period) and `specialty` (the department's national code).
fn coding(name: &str, key: &str, value: &str) -> Result<Cond, ApiError> {
    if name == "specialty" {
        let token = filters::token(key, value, crate::fhir::index::identifier_value)?;
        return Ok(Cond::DepartmentToken(token));
    }
    let token = filters::token(key, value, str::to_owned)?;
    let any_system = format!("{PERIOD_SYSTEM}|");
    Ok(match token.split_once('|') {
        _ if token == any_system => Cond::Present(Field::Period),
        Some(("*" | PERIOD_SYSTEM, code)) => Cond::Is(Field::Period, code.to_owned()),
        _ => Cond::Never,
    })
}

/// What a reference value matches: `Type/id`, a bare id (of the parameter's type) or a URL.
async fn reference(
    state: &AppState,
    ty: &SchedulingType,
    name: &str,
    target: &str,
    key: &str,
    value: &str,
) -> Result<Vec<Cond>, ApiError> {
    let bare = !value.contains('/');
    let token = filters::reference_token(target, value);
    let (kind, id) = token.split_once('/').unwrap_or((target, value));
    let allowed: &[&str] = match (ty.name, name) {
        (_, "patient") => &["Patient"],
        ("Schedule", "actor") => &["PractitionerRole", "Practitioner", "Location"],
        (_, "actor") => &["Patient", "PractitionerRole", "Practitioner", "Location"],
        (_, "practitioner") => &["Practitioner", "PractitionerRole"],
        (_, "location") => &["Location"],
        (_, "schedule") => &["Schedule"],
        _ => &["Slot"],
    };
    // A bare id of an appointment's actor may be any participant.
    if bare && ty.name == "Appointment" && name == "actor" {
        let id = value.to_owned();
        return Ok(vec![
            Cond::Is(Field::Patient, id.clone()),
            Cond::Is(Field::Role, id.clone()),
            Cond::Is(Field::Room, id),
        ]);
    }
    if !allowed.contains(&kind) {
        return Err(bad(
            key,
            format!("{key} 须引用 {}：{value}", allowed.join("、")),
            format!("{key} must refer to {}: {value}", allowed.join(", ")),
        ));
    }
    let id = id.to_owned();
    Ok(match kind {
        "Patient" => vec![Cond::Is(Field::Patient, id)],
        "PractitionerRole" => vec![Cond::Is(Field::Role, id)],
        "Practitioner" => super::roles_of(state, &id)
            .await?
            .into_iter()
            .map(|role| Cond::Is(Field::Role, role))
            .collect(),
        "Location" => vec![Cond::Is(Field::Room, id)],
        "Schedule" => vec![Cond::Is(Field::SessionId, id)],
        _ => vec![Cond::Is(Field::SlotId, id)],
    })
}

/// Each department's national code and name, for `specialty`.
type Codes = BTreeMap<String, (String, String)>;

fn sessions_of(rows: &Rows) -> Vec<&SessionRecord> {
    match rows {
        Rows::Sessions(r) => r.iter().collect(),
        Rows::Slots(r) => r.iter().map(|(c, _)| c).collect(),
        Rows::Appointments(r) => r.iter().map(|(_, _, c)| c).collect(),
    }
}

/// The national codes of the departments of a page's sessions.
async fn department_codes(state: &AppState, rows: &Rows) -> Result<Codes, ApiError> {
    let mut ids: Vec<String> = sessions_of(rows)
        .into_iter()
        .map(|c| c.department_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    codes_of(state, ids).await
}

/// The national code and name of each of these departments that has one.
pub async fn codes_of(state: &AppState, ids: Vec<String>) -> Result<Codes, ApiError> {
    let mut codes = Codes::new();
    for chunk in ids.chunks(filters::MAX_OR_VALUES) {
        let query = SearchQuery {
            clauses: vec![SearchClause {
                param: "_id".into(),
                any_of: chunk
                    .iter()
                    .map(|id| Match::Exact(IndexValue::Plain(id.clone())))
                    .collect(),
                negated: false,
            }],
            count: chunk.len() as u32,
            ..SearchQuery::default()
        };
        for org in state
            .store
            .search_resources("Organization", &query)
            .await?
            .items
        {
            let name = org.content["name"].as_str().unwrap_or("").to_owned();
            let code = org.content["identifier"].as_array().and_then(|ids| {
                ids.iter().find_map(|i| {
                    (i["system"] == DEPARTMENT_CODE_SYSTEM)
                        .then(|| i["value"].as_str().map(str::to_owned))
                        .flatten()
                })
            });
            if let Some(code) = code {
                codes.insert(org.id, (code, name));
            }
        }
    }
    Ok(codes)
}

/// A Schedule, Slot or Appointment view with its department's code as `specialty`.
fn with_specialty(mut view: Value, session: &SessionRecord, codes: &Codes) -> Value {
    if let Some((code, name)) = codes.get(&session.department_id) {
        let coding = json!({"system": DEPARTMENT_CODE_SYSTEM, "code": code, "display": name});
        view["specialty"] = json!([{"coding": [coding]}]);
    }
    view
}

pub async fn schedule_view(
    state: &AppState,
    session: &SessionRecord,
    codes: &Codes,
) -> Result<Value, ApiError> {
    let mut view = views::schedule(session);
    views::with_fee_payment(&mut view, state.settings.online_payment);
    Ok(with_specialty(view, session, codes))
}

pub async fn slot_view(
    state: &AppState,
    session: &SessionRecord,
    slot: &SlotRecord,
    codes: &Codes,
) -> Result<Value, ApiError> {
    let mut view = views::slot(session, slot);
    views::with_cancel_by(
        &mut view,
        super::terms::slot_cancel_by(state, session, slot).await?,
    );
    Ok(with_specialty(view, session, codes))
}

async fn views_of(
    state: &AppState,
    rows: &Rows,
    codes: &Codes,
) -> Result<Vec<(String, Value)>, ApiError> {
    let mut out = Vec::new();
    match rows {
        Rows::Sessions(rows) => {
            for session in rows {
                out.push((
                    session.id.clone(),
                    schedule_view(state, session, codes).await?,
                ));
            }
        }
        Rows::Slots(rows) => {
            for (session, slot) in rows {
                out.push((
                    slot.id.clone(),
                    slot_view(state, session, slot, codes).await?,
                ));
            }
        }
        Rows::Appointments(rows) => {
            for (record, slot, session) in rows {
                let cancel_by = super::terms::cancel_by(state, record, slot).await?;
                let view = views::appointment(record, session, slot, cancel_by);
                out.push((record.id.clone(), with_specialty(view, session, codes)));
            }
        }
    }
    Ok(out)
}

/// Whether an include value names this source type and one of these parameters.
fn names(include: &Include, ty: &SchedulingType, params: &[&str]) -> bool {
    include.source == ty.name && params.contains(&include.param.as_str())
}

/// `_include` and `_revinclude` of a page: refused (or ignored) unless the type declares it.
async fn includes(
    state: &AppState,
    ctx: &Ctx,
    ty: &SchedulingType,
    controls: &mut Controls,
    rows: &Rows,
    codes: &Codes,
) -> Result<Vec<Included>, ApiError> {
    let served: Vec<String> = ty.includes.iter().map(|s| (*s).to_owned()).collect();
    let mut references = Vec::new();
    let mut found = Vec::new();
    for include in controls.include.clone() {
        if !ty
            .includes
            .contains(&format!("{}:{}", include.source, include.param).as_str())
        {
            controls.refuse_or_ignore(include::unsupported("_include", &include, &served))?;
            continue;
        }
        match rows {
            Rows::Slots(rows) if include.admits("Schedule") => {
                for (session, _) in rows {
                    let view = schedule_view(state, session, codes).await?;
                    found.push(included("Schedule", &session.id, view));
                }
            }
            Rows::Sessions(rows) => {
                for session in rows {
                    references.extend(actors(session, None, &include));
                }
            }
            Rows::Appointments(rows) => {
                for (record, slot, session) in rows {
                    if names(&include, ty, &["slot"]) && include.admits("Slot") {
                        let view = slot_view(state, session, slot, codes).await?;
                        found.push(included("Slot", &slot.id, view));
                    }
                    references.extend(actors(session, Some(&record.patient_id), &include));
                }
            }
            Rows::Slots(_) => {}
        }
    }
    let mut registry = include::registry(state, ctx, references).await?;
    // The doctor behind each post, for `Appointment:practitioner`.
    if controls
        .include
        .iter()
        .any(|i| names(i, ty, &["practitioner"]) && i.admits("Practitioner"))
    {
        let doctors: Vec<String> = registry
            .iter()
            .filter(|i| i.resource_type == "PractitionerRole")
            .filter_map(|i| i.resource["practitioner"]["reference"].as_str())
            .map(str::to_owned)
            .collect();
        registry.extend(include::registry(state, ctx, doctors).await?);
    }
    found.extend(registry);
    for include in controls.revinclude.clone() {
        let ok = ty
            .revincludes
            .contains(&format!("{}:{}", include.source, include.param).as_str());
        match (ok, rows) {
            (true, Rows::Sessions(sessions)) if !sessions.is_empty() => {
                found.extend(slots_of(state, sessions, codes).await?);
            }
            (true, _) => {}
            (false, _) => {
                let served: Vec<String> = ty.revincludes.iter().map(|s| (*s).to_owned()).collect();
                controls.refuse_or_ignore(include::unsupported(
                    "_revinclude",
                    &include,
                    &served,
                ))?;
            }
        }
    }
    Ok(found)
}

fn included(resource_type: &str, id: &str, resource: Value) -> Included {
    Included {
        resource_type: resource_type.to_owned(),
        id: id.to_owned(),
        resource,
    }
}

/// The participants an include value asks for: `actor` every one, `patient`, `practitioner`
/// (the post) and `location` theirs; `Target` narrows them.
fn actors(session: &SessionRecord, patient: Option<&String>, include: &Include) -> Vec<String> {
    let everyone = include.param == "actor";
    let mut out = Vec::new();
    if let Some(patient) = patient.filter(|_| everyone || include.param == "patient") {
        out.push(("Patient", patient.clone()));
    }
    if let Some(role) = session
        .practitioner_role_id
        .as_ref()
        .filter(|_| everyone || include.param == "practitioner")
    {
        out.push(("PractitionerRole", role.clone()));
    }
    if let Some(room) = session
        .room_id
        .as_ref()
        .filter(|_| everyone || include.param == "location")
    {
        out.push(("Location", room.clone()));
    }
    out.into_iter()
        .filter(|(kind, _)| {
            include.admits(kind)
                || (include.param == "practitioner" && include.admits("Practitioner"))
        })
        .map(|(kind, id)| format!("{kind}/{id}"))
        .collect()
}

/// `_revinclude=Slot:schedule`: the slots of a page of sessions, in time order.
async fn slots_of(
    state: &AppState,
    sessions: &[SessionRecord],
    codes: &Codes,
) -> Result<Vec<Included>, ApiError> {
    let query = BookingQuery {
        table: BookingTable::Slots,
        clauses: vec![BookingClause {
            any_of: sessions
                .iter()
                .map(|c| Cond::Is(Field::SessionId, c.id.clone()))
                .collect(),
            negated: false,
        }],
        sort: vec![(Field::SlotStart, false)],
        count: MAX_REVINCLUDED,
        offset: 0,
    };
    let page = state.store.search_slots(&query).await?;
    let mut out = Vec::new();
    for (session, slot) in &page.rows {
        let view = slot_view(state, session, slot, codes).await?;
        out.push(included("Slot", &slot.id, view));
    }
    Ok(out)
}
