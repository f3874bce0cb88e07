//! The price list (价格目录): staff read it (`GET /api/price-list`), administrators replace
//! it with a CSV file (`PUT /api/admin/price-list`). A demo hospital starts with the
//! repository's demonstration list.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::billing::price_list::{PriceCategory, PriceItem, parse_price_list};
use huimin_domain::i18n::Text;
use huimin_store::billing::PriceQuery;
use huimin_store::{Store, StoreError};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::{self, DENIED, REFUSED, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;

/// The repository's demonstration list (`data/price-list.csv`), loaded into an empty demo
/// hospital.
pub const DEMO_LIST: &str = include_str!("../../../../data/price-list.csv");

/// What the audit trail names.
const RESOURCE: &str = "PriceList";

/// Longest search text: codes are at most 40 characters, names 100.
const MAX_QUERY_CHARS: usize = 100;

#[derive(Deserialize)]
pub struct ListQuery {
    category: Option<String>,
    q: Option<String>,
}

/// An item as the API shows it: both languages, the price in yuan for people and in fen for
/// programs that add.
pub fn item_json(item: &PriceItem) -> Value {
    json!({
        "code": item.code,
        "name": {"zh": item.name.zh, "en": item.name.en},
        "category": item.category.code(),
        "unit": {"zh": item.unit.zh, "en": item.unit.en},
        "price": {"value": item.price.fen() as f64 / 100.0, "currency": "CNY"},
        "price_fen": item.price.fen(),
        "registration_class": item.registration_class.map(|c| c.code()),
    })
}

/// `GET /api/price-list[?category=…][&q=…]`: any staff member; `q` is found in the code or
/// either name.
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    if !ctx.require()?.role.is_staff() {
        return Err(ApiError::forbidden());
    }
    let category = match query.category.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(PriceCategory::from_code(code).ok_or_else(|| {
            let known = PriceCategory::ALL.map(PriceCategory::code).join(", ");
            ApiError::bad_request(Text::new(
                format!("category 须为 {known} 之一"),
                format!("category must be one of {known}"),
            ))
            .at("category")
        })?),
    };
    let text = query.q.as_deref().unwrap_or_default();
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(Text::new(
            format!("搜索内容不能超过 {MAX_QUERY_CHARS} 个字符"),
            format!("the search text is longer than {MAX_QUERY_CHARS} characters"),
        ))
        .at("q"));
    }
    let items = state
        .store
        .search_price_list(PriceQuery { category, text })
        .await?;
    let items: Vec<Value> = items.iter().map(item_json).collect();
    Ok(Json(json!({"total": items.len(), "items": items})).into_response())
}

/// `PUT /api/admin/price-list`: administrators replace the whole list with the body, a CSV
/// file (`text/csv`). A file with a bad line is refused whole (422), one issue per line with
/// `line N` as its expression, and nothing changes.
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
    require_csv(&headers)?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::unprocessable(Text::new(
            "价格目录文件须为 UTF-8 编码的文本（可在表格软件中另存为“CSV UTF-8”）",
            "The price list must be UTF-8 text (save it as \"CSV UTF-8\" in a spreadsheet)",
        ))
    })?;
    let items = match parse_price_list(text) {
        Ok(items) => items,
        Err(lines) => {
            let detail = format!("{} lines refused", lines.len());
            audit::record(&state, &ctx, "update", RESOURCE, REFUSED, &detail).await?;
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
    let imported = state
        .store
        .replace_price_list(&items, state.clock.now())
        .await?;
    let detail = format!("{imported} items imported");
    audit::record(&state, &ctx, "update", RESOURCE, SUCCESS, &detail).await?;
    Ok(Json(json!({"imported": imported})).into_response())
}

pub(crate) fn require_csv(headers: &HeaderMap) -> Result<(), ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim();
    if media.eq_ignore_ascii_case("text/csv") {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "not-supported",
        Text::new("请求体须为 text/csv", "The body must be text/csv"),
    ))
}

/// Loads [`DEMO_LIST`] when the price list is empty (a demo hospital's first start); the
/// number of items loaded.
pub async fn load_demo_if_empty(store: &Store, now: Timestamp) -> Result<usize, StoreError> {
    if !store.price_list().await?.is_empty() {
        return Ok(0);
    }
    let items = parse_price_list(DEMO_LIST)
        .map_err(|lines| StoreError::Corrupt(format!("data/price-list.csv: {lines:?}")))?;
    store.replace_price_list(&items, now).await
}
