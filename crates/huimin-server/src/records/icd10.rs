//! `GET /api/icd10?q=&_count=`: codes by code prefix, Chinese or English name and pinyin,
//! from the index every process keeps in memory (`state::codes`); `GET /api/icd10/{code}`:
//! one code. Staff only: a code table is no patient data, but patients have no use for it.
//! [`validate`] is how other areas check a diagnosis code before they store it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::records::Icd10Code;
use huimin_domain::records::icd10::{Icd10Entry, Icd10Hit, parse_icd10_table};
use huimin_store::{Store, StoreError};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;

/// What the audit trail names for imports.
const RESOURCE: &str = "CodeSystem/icd10";

/// The repository's demonstration table, loaded when the table is empty.
pub const SEED: &str = include_str!("../../../../data/icd10/seed.csv");

/// The longest query taken: longer than any code, and than the names people type.
pub const MAX_QUERY_CHARS: usize = 32;
pub const MAX_COUNT: usize = 50;
const DEFAULT_COUNT: usize = 20;

#[derive(Deserialize)]
pub struct Params {
    q: Option<String>,
    #[serde(rename = "_count")]
    count: Option<String>,
}

/// A code as the API shows it.
pub fn entry_json(entry: &Icd10Entry) -> Value {
    json!({
        "code": entry.code.as_str(),
        "name": entry.name_zh,
        "name_en": entry.name_en,
        "chapter": entry.chapter.roman(),
        "category": entry.category(),
    })
}

fn hit_json(hit: &Icd10Hit<'_>) -> Value {
    let mut value = entry_json(hit.entry);
    value["match"] = json!(hit.matched.code());
    value
}

fn require_staff(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.require()?.role.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

#[tracing::instrument(skip_all)]
pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    require_staff(&ctx)?;
    let (query, count) = parse(&params)?;
    let table = state.codes.icd10(&state.store).await?;
    let items: Vec<Value> = table
        .index
        .search(&query, count)
        .iter()
        .map(hit_json)
        .collect();
    Ok(Json(json!({"items": items})).into_response())
}

fn parse(params: &Params) -> Result<(String, usize), ApiError> {
    let query = params.q.as_deref().unwrap_or_default().trim().to_owned();
    if query.is_empty() {
        return Err(ApiError::bad_request(Text::new(
            "请输入诊断编码、名称或拼音首字母",
            "Type a diagnosis code, a name or pinyin initials",
        ))
        .at("q"));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(Text::new(
            format!("查找内容最多 {MAX_QUERY_CHARS} 个字"),
            format!("Search for at most {MAX_QUERY_CHARS} characters"),
        ))
        .at("q"));
    }
    let count = match params.count.as_deref() {
        None => DEFAULT_COUNT,
        Some(raw) => match raw.trim().parse::<usize>() {
            Ok(n @ 1..=MAX_COUNT) => n,
            _ => {
                return Err(ApiError::bad_request(Text::new(
                    format!("_count 须为 1 到 {MAX_COUNT} 的整数"),
                    format!("_count must be a whole number from 1 to {MAX_COUNT}"),
                ))
                .at("_count"));
            }
        },
    };
    Ok((query, count))
}

#[tracing::instrument(skip_all)]
pub async fn lookup(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    require_staff(&ctx)?;
    let entry = validate(&state.store, &code, "code").await?;
    Ok(Json(entry_json(&entry)).into_response())
}

/// The table's entry for `raw`, or the error to answer: 400 when `raw` is no ICD-10 code,
/// 422 when the table does not have it, each at `field`. What the records area calls before
/// it stores a diagnosis (the lookup route answers 404 instead).
pub async fn validate(store: &Store, raw: &str, field: &str) -> Result<Icd10Entry, ApiError> {
    let code = Icd10Code::parse(raw).map_err(|_| {
        ApiError::bad_request(Text::new(
            "诊断编码格式不对（如 I10、J45.9、I10.x00、I10.x00x002）",
            "Not an ICD-10 code (such as I10, J45.9, I10.x00, I10.x00x002)",
        ))
        .at(field)
    })?;
    match store.icd10_lookup(&code).await? {
        Some(entry) => Ok(entry),
        None if field == "code" => Err(ApiError::not_found(&format!("ICD-10 {code}"))),
        None => Err(ApiError::unprocessable(Text::new(
            format!("编码表中没有诊断编码 {code}"),
            format!("The code table has no diagnosis code {code}"),
        ))
        .at(field)),
    }
}

/// `PUT /api/admin/icd10`: administrators replace the whole table with the body, a CSV file
/// (`text/csv`, columns `code,name_zh,name_en,chapter`). A file with a bad line is refused
/// whole (422, one issue per line at `line N`) and nothing changes; after an import this
/// process searches the new table at once (others within `state::codes::CHECK_EVERY`).
#[tracing::instrument(skip_all)]
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if ctx.require()?.role != huimin_domain::roles::Role::Admin {
        audit::record(&state, &ctx, "update", RESOURCE, DENIED, "role not allowed").await?;
        return Err(ApiError::forbidden());
    }
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim();
    if !media.eq_ignore_ascii_case("text/csv") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-supported",
            Text::new("请求体须为 text/csv", "The body must be text/csv"),
        ));
    }
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::unprocessable(Text::new(
            "编码表文件须为 UTF-8 编码的文本（可在表格软件中另存为“CSV UTF-8”）",
            "The code table must be UTF-8 text (save it as \"CSV UTF-8\" in a spreadsheet)",
        ))
    })?;
    let entries = match parse_icd10_table(text) {
        Ok(entries) => entries,
        Err(lines) => {
            let detail = format!("{} lines refused", lines.len());
            audit::record(&state, &ctx, "update", RESOURCE, "refused", &detail).await?;
            let issues = lines
                .into_iter()
                .map(|l| Issue::value(Some(&format!("line {}", l.line)), l.message))
                .collect();
            return Err(ApiError::with_issues(
                StatusCode::UNPROCESSABLE_ENTITY,
                issues,
            ));
        }
    };
    let version = state
        .store
        .replace_icd10_table(&entries, state.clock.now().as_microsecond())
        .await?;
    state.codes.rebuild(&state.store).await?;
    let detail = format!("{} codes imported", entries.len());
    audit::record(&state, &ctx, "update", RESOURCE, SUCCESS, &detail).await?;
    Ok(Json(json!({"imported": entries.len(), "version": version})).into_response())
}

/// Loads [`SEED`] when the table has never been imported (a first start); how many codes.
pub async fn load_seed_if_empty(
    store: &Store,
    now: jiff::Timestamp,
) -> Result<Option<usize>, StoreError> {
    if store.icd10_version().await? != 0 {
        return Ok(None);
    }
    let entries = parse_icd10_table(SEED)
        .map_err(|lines| StoreError::Corrupt(format!("data/icd10/seed.csv: {lines:?}")))?;
    store
        .replace_icd10_table(&entries, now.as_microsecond())
        .await?;
    Ok(Some(entries.len()))
}
