//! Submitted cards leave the hospital for the national notifiable-disease reporting system
//! (中国疾病预防控制信息系统). That system is out of reach here: [`ReportSink`] is the
//! boundary an adapter for it implements; what ships is the CSV export
//! (`GET /api/notifiable-reports/export?from=&to=`), one row per card in the national card's
//! column order, which the hospital's infection-control staff upload or type in.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::records::notifiable::{self, CaseClass, OCCUPATIONS};
use huimin_store::records::notifiable::SUBMITTED;
use huimin_store::records::{CardQuery, CardRecord};
use jiff::civil::Date;
use serde::Deserialize;

use super::{allowed, instant};
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// Where submitted cards go. An adapter for the national system implements it (sending a
/// card, returning the system's card number); the CSV export is the one shipped. Not yet
/// driven by a worker: a sink that sends would be called after submission, with retries, as
/// the messages outbox does.
pub trait ReportSink: Send + Sync {
    /// A short name for logs and the audit trail.
    fn name(&self) -> &'static str;
    /// Hands over one submitted card, as its export row; the receiver's reference.
    fn send(&self, row: &[String]) -> Result<String, String>;
}

/// The columns, in the order of the national card (传染病报告卡).
pub const COLUMNS: [(&str, &str); 18] = [
    ("卡片编号", "card_id"),
    ("患者姓名", "patient_name"),
    ("患儿家长姓名", "parent_name"),
    ("有效证件号", "id_number"),
    ("性别", "sex"),
    ("出生日期", "birth_date"),
    ("联系电话", "phone"),
    ("现住址", "address"),
    ("人群分类", "occupation"),
    ("病例分类", "case_class"),
    ("发病日期", "onset_date"),
    ("诊断时间", "diagnosed_at"),
    ("疾病名称", "disease"),
    ("ICD-10", "icd10"),
    ("报告科室", "department"),
    ("报告医生", "doctor"),
    ("填卡日期", "submitted_at"),
    ("备注", "remarks"),
];

const MAX_EXPORT: u32 = 10_000;

#[derive(Deserialize)]
pub struct ExportParams {
    from: Option<String>,
    to: Option<String>,
}

fn day(raw: Option<&str>, field: &str) -> Result<Date, ApiError> {
    raw.and_then(|r| r.trim().parse().ok()).ok_or_else(|| {
        ApiError::bad_request(Text::new(
            format!("{field} 须为日期 YYYY-MM-DD"),
            format!("{field} must be a date, YYYY-MM-DD"),
        ))
        .at(field)
    })
}

/// One card as its export row (the ID number in full: the national system needs it).
pub fn row(card: &CardRecord, wall: impl Fn(i64) -> String) -> Vec<String> {
    let f = &card.fields;
    let disease = notifiable::builtin()
        .get(&card.disease)
        .map_or_else(|| card.disease.clone(), |d| d.name.zh.clone());
    let occupation = OCCUPATIONS
        .iter()
        .find(|(code, _, _)| *code == f.occupation)
        .map_or("", |(_, zh, _)| zh);
    let sex = match f.sex.as_str() {
        "male" => "男",
        "female" => "女",
        _ => "",
    };
    vec![
        card.id.clone(),
        f.patient_name.clone(),
        f.parent_name.clone(),
        f.id_number.clone(),
        sex.to_owned(),
        f.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        f.phone.clone(),
        f.address.clone(),
        occupation.to_owned(),
        f.case_class
            .map(|c| CaseClass::label(c).zh)
            .unwrap_or_default(),
        f.onset_date.map(|d| d.to_string()).unwrap_or_default(),
        wall(card.diagnosed_at),
        disease,
        card.icd10_code.clone(),
        card.department_id.clone(),
        card.doctor_role_id.clone(),
        card.submitted_at.map(&wall).unwrap_or_default(),
        f.remarks.clone(),
    ]
}

/// A CSV field, quoted when it must be; a leading `=`, `+`, `-` or `@` is kept from being
/// read as a formula by spreadsheets.
fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// `GET /api/notifiable-reports/export?from=YYYY-MM-DD&to=YYYY-MM-DD`: the cards submitted
/// on those days (hospital time, both included) of the caller's departments, as UTF-8 CSV
/// with a byte-order mark (spreadsheets then read the Chinese right).
#[tracing::instrument(skip_all)]
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let scope = allowed(&state, &ctx, "read", "NotifiableReport/export").await?;
    let from = day(params.from.as_deref(), "from")?;
    let to = day(params.to.as_deref(), "to")?;
    if to < from {
        return Err(ApiError::bad_request(Text::new(
            "结束日期不能早于开始日期",
            "to cannot be before from",
        ))
        .at("to"));
    }
    let start = |d: Date| {
        state
            .clock
            .instant(d.to_datetime(jiff::civil::time(0, 0, 0, 0)))
            .map(|t| t.as_microsecond())
            .unwrap_or(0)
    };
    let end = to.tomorrow().map(start).unwrap_or(i64::MAX);
    let query = CardQuery {
        departments: scope,
        status: Some(SUBMITTED),
        submitted_between: Some((start(from), end)),
        limit: MAX_EXPORT,
        ..CardQuery::default()
    };
    let cards = state.store.cards(&query).await?;
    let wall = |micros: i64| {
        state
            .clock
            .wall(instant(micros))
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let mut csv = String::from("\u{feff}");
    csv.push_str(&COLUMNS.map(|(zh, _)| zh).join(","));
    csv.push_str("\r\n");
    for card in &cards {
        let line: Vec<String> = row(card, wall).iter().map(|v| field(v)).collect();
        csv.push_str(&line.join(","));
        csv.push_str("\r\n");
    }
    let detail = format!("{} cards from {from} to {to}", cards.len());
    audit::record(
        &state,
        &ctx,
        "read",
        "NotifiableReport/export",
        SUCCESS,
        &detail,
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"notifiable-{from}-{to}.csv\""),
            ),
        ],
        csv,
    )
        .into_response())
}
