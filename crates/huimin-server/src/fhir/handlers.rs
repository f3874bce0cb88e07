//! create / read / vread / update for every kind in the registry (search is in `search.rs`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_fhir::ParseErrorKind;
use huimin_store::{ResourceWrite, StoreError, StoredResource};
use serde_json::{Value, json};

use super::access::{Op, Scope, authorize};
use super::conditional::{self, Found};
use super::http::{
    base_url, check_accept, fhir_response, if_match, prefers_minimal, require_json, version_headers,
};
use super::kinds::{Access, KindSpec, by_name};
use super::patient;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;

pub(super) fn kind_of(name: &str) -> Result<&'static KindSpec, ApiError> {
    by_name(name).ok_or_else(|| ApiError::not_found(&format!("resource type {name}")))
}

/// The typed parse: malformed JSON and structure errors are 400, naming the element.
fn parse_body(kind: &KindSpec, body: &[u8]) -> Result<Value, ApiError> {
    let mut resource = parse_resource(kind, body)?;
    super::narrative::strip_generated(&mut resource);
    Ok(resource)
}

fn parse_resource(kind: &KindSpec, body: &[u8]) -> Result<Value, ApiError> {
    (kind.parse)(body).map_err(|e| {
        let (code, text) = match &e.kind {
            ParseErrorKind::Syntax => (
                "structure",
                Text::new(
                    format!("JSON 格式错误：{}", e.message),
                    format!("Malformed JSON: {}", e.message),
                ),
            ),
            ParseErrorKind::WrongResourceType { expected, found } => {
                let found = found.as_deref().unwrap_or("(none)");
                (
                    "invalid",
                    Text::new(
                        format!("resourceType 应为 {expected}，收到 {found}"),
                        format!("resourceType must be {expected}, got {found}"),
                    ),
                )
            }
            _ => (
                "structure",
                Text::new(
                    format!("资源结构错误：{}", e.message),
                    format!("Invalid resource structure: {}", e.message),
                ),
            ),
        };
        let mut error = ApiError::new(StatusCode::BAD_REQUEST, code, text);
        if !e.path.is_empty() {
            error = error.at(e.path.clone());
        }
        error
    })
}

fn rule_violation(issues: Vec<Issue>) -> ApiError {
    ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, issues)
}

/// A resource to create from its JSON: parsed (400), checked by the domain rules (422), and
/// given its new id. A single create and every entry of a transaction go through it.
pub(super) fn new_resource(
    kind: &KindSpec,
    body: &[u8],
    id: &str,
    today: jiff::civil::Date,
) -> Result<Value, ApiError> {
    let mut resource = parse_body(kind, body)?;
    (kind.check)(&mut resource, None, today).map_err(rule_violation)?;
    resource["id"] = json!(id);
    Ok(resource)
}

/// The representation a caller may see.
pub(super) fn view(kind: &KindSpec, ctx: &Ctx, mut content: Value) -> Value {
    let unmasked = ctx
        .caller
        .as_ref()
        .is_some_and(|c| c.role.sees_unmasked_identifiers());
    if kind.access == Access::PatientData && !unmasked {
        patient::mask_view(&mut content);
    }
    content
}

pub(super) async fn audit_if_personal(
    state: &AppState,
    ctx: &Ctx,
    kind: &KindSpec,
    action: &str,
    resource: &str,
    outcome: &str,
    detail: &str,
) -> Result<(), ApiError> {
    if kind.access == Access::PatientData || matches!(action, "create" | "update") {
        audit::record(state, ctx, action, resource, outcome, detail).await?;
    }
    Ok(())
}

fn stored_response(
    kind: &KindSpec,
    ctx: &Ctx,
    status: StatusCode,
    stored: StoredResource,
    headers: &HeaderMap,
) -> Response {
    let mut response = if prefers_minimal(headers) {
        let mut r = Response::new(axum::body::Body::empty());
        *r.status_mut() = status;
        r
    } else {
        fhir_response(status, &view(kind, ctx, stored.content.clone()))
    };
    version_headers(&mut response, &stored);
    response
}

#[tracing::instrument(skip_all, fields(resource_type = %resource_type))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(resource_type): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let kind = kind_of(&resource_type)?;
    check_accept(&headers)?;
    may_create(&state, &ctx, kind).await?;
    require_json(&headers)?;
    if let Some(condition) = conditional::if_none_exist(&headers) {
        match conditional::find(&state, &ctx, kind, &condition, "If-None-Exist").await? {
            Found::Nothing => {}
            Found::One(existing) => {
                let reference = format!("{}/{}", kind.name, existing.id);
                let detail = "If-None-Exist matched: nothing created";
                audit::record(&state, &ctx, "read", &reference, SUCCESS, detail).await?;
                return Ok(stored_response(
                    kind,
                    &ctx,
                    StatusCode::OK,
                    *existing,
                    &headers,
                ));
            }
            Found::Several => return Err(conditional::several(kind, "If-None-Exist")),
        }
    }
    create_new(&state, &ctx, kind, &headers, &body).await
}

/// Checks the caller's role may create `kind`; a refusal of personal data is audited.
async fn may_create(state: &AppState, ctx: &Ctx, kind: &KindSpec) -> Result<(), ApiError> {
    if let Err(denied) = authorize(kind, Op::Create, ctx) {
        let detail = "role not allowed";
        audit_if_personal(state, ctx, kind, "create", kind.name, DENIED, detail).await?;
        return Err(denied);
    }
    Ok(())
}

/// Creates the resource of `body` under a new id (the create interaction, and a conditional
/// update that matched nothing).
async fn create_new(
    state: &AppState,
    ctx: &Ctx,
    kind: &'static KindSpec,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let (id, stored) = store_new(state, ctx, kind, body).await?;
    let mut response = stored_response(kind, ctx, StatusCode::CREATED, stored, headers);
    let location = format!("{}/{}/{}/_history/1", base_url(headers), kind.name, id);
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// Checks and stores the resource of `body` under a new id, audited; the id and what was
/// stored. The caller has checked the role may create `kind`.
pub(super) async fn store_new(
    state: &AppState,
    ctx: &Ctx,
    kind: &'static KindSpec,
    body: &[u8],
) -> Result<(String, StoredResource), ApiError> {
    let id = uuid::Uuid::new_v4().to_string();
    let resource = new_resource(kind, body, &id, state.clock.today())?;
    let (index, unique) = kind.index(&resource);
    let write = ResourceWrite {
        resource_type: kind.name,
        id: &id,
        content: &resource,
        index: &index,
        unique: &unique,
        sealed: kind.sealed,
    };
    let family_of = ctx
        .caller
        .as_ref()
        .filter(|c| c.role == huimin_domain::roles::Role::Patient)
        .map(|c| c.user_id.clone());
    let stored = match family_of {
        Some(user_id) => {
            let other = huimin_domain::person::Relationship::Other;
            super::family::add_member(state, &user_id, write, other).await?
        }
        None => state.store.create_resource(write).await?,
    };
    audit::record(
        state,
        ctx,
        "create",
        &format!("{}/{}", kind.name, id),
        SUCCESS,
        "",
    )
    .await?;
    Ok((id, stored))
}

#[tracing::instrument(skip_all, fields(resource_type = %resource_type))]
pub async fn read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((resource_type, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = kind_of(&resource_type)?;
    check_accept(&headers)?;
    let stored = read_allowed(&state, &ctx, kind, &id, "read").await?;
    audit_if_personal(
        &state,
        &ctx,
        kind,
        "read",
        &format!("{}/{id}", kind.name),
        SUCCESS,
        "",
    )
    .await?;
    Ok(stored_response(
        kind,
        &ctx,
        StatusCode::OK,
        stored,
        &HeaderMap::new(),
    ))
}

#[tracing::instrument(skip_all, fields(resource_type = %resource_type))]
pub async fn vread(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((resource_type, id, version)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = kind_of(&resource_type)?;
    check_accept(&headers)?;
    read_allowed(&state, &ctx, kind, &id, "vread").await?;
    let not_found = || ApiError::not_found(&format!("{}/{id}/_history/{version}", kind.name));
    let version: i64 = version.parse().map_err(|_| not_found())?;
    let stored = state
        .store
        .read_resource_version(kind.name, &id, version)
        .await?
        .ok_or_else(not_found)?;
    audit_if_personal(
        &state,
        &ctx,
        kind,
        "vread",
        &format!("{}/{id}/_history/{version}", kind.name),
        SUCCESS,
        "",
    )
    .await?;
    Ok(stored_response(
        kind,
        &ctx,
        StatusCode::OK,
        stored,
        &HeaderMap::new(),
    ))
}

/// Reads the current version if the caller may see it. A patient asking for someone else's
/// record gets the same 404 as for a record that does not exist (no existence oracle), and
/// the attempt is audited as denied.
async fn read_allowed(
    state: &AppState,
    ctx: &Ctx,
    kind: &KindSpec,
    id: &str,
    action: &str,
) -> Result<StoredResource, ApiError> {
    if !super::kinds::is_valid_id(id) {
        return Err(ApiError::not_found(&format!(
            "{}/{}",
            kind.name,
            id.escape_debug()
        )));
    }
    let reference = format!("{}/{id}", kind.name);
    let scope = match authorize(kind, Op::Read, ctx) {
        Ok(scope) => scope,
        Err(denied) => {
            audit_if_personal(
                state,
                ctx,
                kind,
                action,
                &reference,
                DENIED,
                "role not allowed",
            )
            .await?;
            return Err(denied);
        }
    };
    if !scope.allows(id) {
        audit_if_personal(
            state,
            ctx,
            kind,
            action,
            &reference,
            DENIED,
            "not the caller's own record",
        )
        .await?;
        return Err(ApiError::not_found(&reference));
    }
    match state.store.read_resource(kind.name, id).await? {
        Some(stored) => Ok(stored),
        None => {
            audit_if_personal(state, ctx, kind, action, &reference, "not-found", "").await?;
            Err(ApiError::not_found(&reference))
        }
    }
}

/// What the caller may update: 403 for a role that may not update the kind, 404 for a record
/// outside the caller's own; both audited when the records are personal.
async fn may_update(
    state: &AppState,
    ctx: &Ctx,
    kind: &'static KindSpec,
    id: &str,
    reference: &str,
) -> Result<Scope, ApiError> {
    let denied = |detail: &'static str| {
        audit_if_personal(state, ctx, kind, "update", reference, DENIED, detail)
    };
    let scope = match authorize(kind, Op::Update, ctx) {
        Ok(scope) => scope,
        Err(refusal) => {
            denied("role not allowed").await?;
            return Err(refusal);
        }
    };
    if !scope.allows(id) {
        denied("not the caller's own record").await?;
        return Err(ApiError::not_found(reference));
    }
    Ok(scope)
}

#[tracing::instrument(skip_all, fields(resource_type = %resource_type))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((resource_type, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let kind = kind_of(&resource_type)?;
    check_accept(&headers)?;
    update_at(&state, &ctx, kind, &id, &headers, &body).await
}

/// `PUT /fhir/{type}?search`: the conditional update. The search must match at most one
/// resource the caller may see: one is updated (the body's id, if any, must be its id),
/// none means a create under a new id (the body carries no id: ids are the server's), several
/// are `412`.
pub async fn conditional_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(resource_type): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let kind = kind_of(&resource_type)?;
    check_accept(&headers)?;
    let condition = query.unwrap_or_default();
    let mut resource = parse_body(kind, &body)?;
    let given_id = resource
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match conditional::find(&state, &ctx, kind, &condition, "url").await? {
        Found::Several => Err(conditional::several(kind, "url")),
        Found::Nothing => {
            if given_id.is_some() {
                return Err(ApiError::bad_request(Text::new(
                    "条件更新未匹配到已有资源，将新建；新建的 id 由服务器分配，请去掉资源中的 id",
                    "The condition matched nothing, so this is a create: ids are the server's to give, leave the id out",
                ))
                .at(format!("{}.id", kind.name)));
            }
            may_create(&state, &ctx, kind).await?;
            require_json(&headers)?;
            create_new(&state, &ctx, kind, &headers, &body).await
        }
        Found::One(existing) => {
            if given_id.as_deref().is_some_and(|id| id != existing.id) {
                return Err(ApiError::bad_request(Text::new(
                    format!(
                        "资源 id 与条件匹配到的 {}/{} 不一致",
                        kind.name, existing.id
                    ),
                    format!(
                        "The resource id is not the id of {}/{}, which the condition matched",
                        kind.name, existing.id
                    ),
                ))
                .at(format!("{}.id", kind.name)));
            }
            resource["id"] = json!(existing.id);
            let body = serde_json::to_vec(&resource).map_err(|_| ApiError::internal())?;
            update_at(&state, &ctx, kind, &existing.id, &headers, &body).await
        }
    }
}

/// Updates `kind`/`id` to the resource of `body` (the update interaction, and a conditional
/// update that matched one resource).
async fn update_at(
    state: &AppState,
    ctx: &Ctx,
    kind: &'static KindSpec,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    if !super::kinds::is_valid_id(id) {
        return Err(ApiError::not_found(&format!(
            "{}/{}",
            kind.name,
            id.escape_debug()
        )));
    }
    let reference = format!("{}/{id}", kind.name);
    let scope = may_update(state, ctx, kind, id, &reference).await?;
    require_json(headers)?;
    let expected = if_match(headers)?;
    let mut resource = parse_body(kind, body)?;
    if resource.get("id").and_then(Value::as_str) != Some(id) {
        return Err(ApiError::bad_request(Text::new(
            "资源 id 须与地址中的 id 一致",
            "The resource id must match the id in the URL",
        ))
        .at(format!("{}.id", kind.name)));
    }
    let Some(previous) = state.store.read_resource(kind.name, id).await? else {
        // Ids are the server's to give (update-as-create is not supported): R4 answers 405.
        // A caller limited to their own records never gets here for an unknown id (404
        // above), so this tells nobody whether someone else's record exists.
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "not-supported",
            Text::new(
                format!(
                    "{reference} 不存在；本服务器不接受客户端指定的 id，新建请用 POST /fhir/{}",
                    kind.name
                ),
                format!(
                    "{reference} does not exist; this server does not take client-assigned ids: create with POST /fhir/{}",
                    kind.name
                ),
            ),
        ));
    };
    if matches!(scope, Scope::Only(_)) {
        keep_identity_documents(&mut resource, &previous.content)?;
    }
    (kind.check)(&mut resource, Some(&previous.content), state.clock.today())
        .map_err(rule_violation)?;
    let (index, unique) = kind.index(&resource);
    let write = ResourceWrite {
        resource_type: kind.name,
        id,
        content: &resource,
        index: &index,
        unique: &unique,
        sealed: kind.sealed,
    };
    // Without If-Match the write is still conditional on the version just read, so that the
    // masked-value restoration above can never be applied to a different version.
    let stored = state
        .store
        .update_resource(write, Some(expected.unwrap_or(previous.version_id)))
        .await
        .map_err(|e| match (e, expected) {
            (StoreError::VersionConflict { .. }, None) => ApiError::conflict(Text::new(
                "记录正被他人修改，请重试",
                "The record was changed at the same time; please retry",
            )),
            (e, _) => ApiError::from(e),
        })?;
    audit::record(
        state,
        ctx,
        "update",
        &reference,
        SUCCESS,
        &format!("version {}", stored.version_id),
    )
    .await?;
    Ok(stored_response(kind, ctx, StatusCode::OK, stored, headers))
}

/// Identity documents are verified in person: a patient may edit contact details but not
/// change the documents on their own record.
fn keep_identity_documents(resource: &mut Value, previous: &Value) -> Result<(), ApiError> {
    let masked_previous = {
        let mut p = previous.clone();
        patient::mask_view(&mut p);
        p.get("identifier").cloned()
    };
    let given = resource.get("identifier").cloned();
    let same = given == previous.get("identifier").cloned() || given == masked_previous;
    if !same {
        return Err(ApiError::unprocessable(Text::new(
            "证件信息只能在医院窗口核验后修改",
            "Identity documents can only be changed at the hospital desk after verification",
        ))
        .at("Patient.identifier"));
    }
    if let Some(ids) = previous.get("identifier") {
        resource["identifier"] = ids.clone();
    }
    Ok(())
}
