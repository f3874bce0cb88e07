//! Entry by laboratory and imaging staff (`Role::Technician`): `GET /api/results/{order}`
//! (the report form: the patient, the order's step, the item's analytes, units and what was
//! saved) and
//! `PUT /api/results/{order}` (save a draft, or make it final). Values are checked against the
//! analyte table: a known analyte of the item's panel, a decimal, a unit that fits, inside
//! physical limits; any refusal names its field and writes nothing.

use std::collections::BTreeSet;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use huimin_domain::i18n::Text;
use huimin_domain::results::{ReportShape, check_conclusion, check_value};
use huimin_domain::roles::Role;
use serde::Deserialize;
use serde_json::{Value, json};

use super::TABLE;
use super::build::{Entered, category_of};
use super::gate::{Claimed, order_gate};
use super::save::{Prepared, already_final, save};
use super::views::report_view;
use crate::audit::{self, DENIED};
use crate::context::Ctx;
use crate::error::{ApiError, json_body};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnteredValue {
    pub analyte: String,
    /// The number as typed (`5.60`), kept digit for digit.
    pub value: String,
    pub unit: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryBody {
    /// The visit the order was placed in: optional, checked against the order when sent.
    pub encounter: Option<String>,
    /// The orderable item code: optional, checked against the order when sent.
    pub item: Option<String>,
    #[serde(default)]
    pub values: Vec<EnteredValue>,
    pub conclusion: Option<String>,
    /// Make the report final (审核发布): the patient and the doctor are told.
    #[serde(default)]
    pub r#final: bool,
}

async fn require_technician(state: &AppState, ctx: &Ctx, resource: &str) -> Result<(), ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Technician {
        audit::record(state, ctx, "update", resource, DENIED, "not a technician").await?;
        return Err(ApiError::forbidden());
    }
    Ok(())
}

fn refuse(field: impl Into<String>, text: Text) -> ApiError {
    ApiError::unprocessable(text).at(field)
}

/// Checks the entered values against the item's panel.
pub(crate) fn checked<'a>(
    panel: &'a [String],
    values: &[EnteredValue],
    final_: bool,
) -> Result<Vec<Entered<'a>>, ApiError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let field = format!("values[{i}]");
        let analyte = panel
            .iter()
            .find(|c| **c == v.analyte)
            .and_then(|c| TABLE.by_code(c))
            .ok_or_else(|| {
                refuse(
                    format!("{field}.analyte"),
                    Text::new(
                        format!("未知的检验项目“{}”（不属于本申请）", v.analyte),
                        format!("Unknown analyte {:?} (not part of this order)", v.analyte),
                    ),
                )
            })?;
        if !seen.insert(analyte.code.clone()) {
            return Err(refuse(
                format!("{field}.analyte"),
                Text::new(
                    format!("{}重复填写", analyte.name.zh),
                    format!("{} is given twice", analyte.name.en),
                ),
            ));
        }
        if v.value.trim().is_empty() && !final_ {
            continue;
        }
        let amount =
            check_value(analyte, &v.value, &v.unit, &field).map_err(|p| refuse(p.field, p.text))?;
        out.push(Entered { analyte, amount });
    }
    if final_ && let Some(missing) = panel.iter().find(|c| !seen.contains(*c)) {
        let name = TABLE
            .by_code(missing)
            .map_or_else(|| Text::new(missing, missing.as_str()), |a| a.name.clone());
        return Err(refuse(
            "values",
            Text::new(
                format!("发布前请填写全部结果：缺{}", name.zh),
                format!(
                    "Enter every result before making the report final: {} is missing",
                    name.en
                ),
            ),
        ));
    }
    // Keep the panel's print order.
    out.sort_by_key(|e| panel.iter().position(|c| *c == e.analyte.code));
    Ok(out)
}

/// `PUT /api/results/{order}`.
pub async fn save_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(order): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let resource = format!("ServiceRequest/{order}");
    require_technician(&state, &ctx, &resource).await?;
    let body: EntryBody = json_body(&body)?;
    let claimed = Claimed {
        encounter: body.encounter.as_deref(),
        item: body.item.as_deref(),
        patient: None,
        prefix: "",
    };
    let facts = order_gate(&state, &order, &claimed).await?;
    let form = TABLE.report(&facts.item).ok_or_else(|| {
        refuse(
            "item",
            Text::new(
                format!("项目 {} 没有报告格式", facts.item),
                format!("The item {} has no report form", facts.item),
            ),
        )
    })?;
    let existing = state.store.report_of_order(&order).await?;
    if existing.as_ref().is_some_and(|r| r.status == "final") {
        return Err(already_final());
    }
    let (values, conclusion) = match TABLE.shape(&facts.item) {
        Some(ReportShape::Panel(panel)) => {
            let conclusion = body
                .conclusion
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(check_conclusion)
                .transpose()
                .map_err(|p| refuse(p.field, p.text))?;
            (checked(panel, &body.values, body.r#final)?, conclusion)
        }
        _ => {
            if let Some(v) = body.values.first() {
                return Err(refuse(
                    "values[0].analyte",
                    Text::new(
                        format!("检查项目不填数值结果（收到“{}”），请填写结论", v.analyte),
                        format!(
                            "An examination has no values (got {:?}); write the conclusion",
                            v.analyte
                        ),
                    ),
                ));
            }
            let conclusion = match body.conclusion.as_deref() {
                Some(c) if body.r#final || !c.trim().is_empty() => {
                    Some(check_conclusion(c).map_err(|p| refuse(p.field, p.text))?)
                }
                None if body.r#final => {
                    return Err(refuse(
                        "conclusion",
                        Text::new("请填写检查结论", "Write the conclusion"),
                    ));
                }
                _ => None,
            };
            (Vec::new(), conclusion)
        }
    };
    let caller = ctx.require()?;
    let record = save(
        &state,
        &ctx,
        Prepared {
            title: form.title.clone(),
            category: category_of(&facts.item),
            report_id: existing
                .as_ref()
                .map(|r| r.id.clone())
                .unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
            final_: body.r#final,
            conclusion,
            values,
            unknown: Vec::new(),
            performer: caller.practitioner_id.clone(),
            source: "entry",
            expected_version: existing.as_ref().map(|r| r.version),
            facts,
        },
    )
    .await?;
    Ok(Json(report_view(&state, &record).await?))
}

/// `GET /api/results/{order}`: the form of the order's report and what was saved.
pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(order): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let resource = format!("ServiceRequest/{order}");
    require_technician(&state, &ctx, &resource).await?;
    let placed = state
        .store
        .order(&order)
        .await?
        .ok_or_else(|| ApiError::not_found("ServiceRequest"))?;
    let item = placed.item_code.clone();
    let existing = state.store.report_of_order(&order).await?;
    let form = TABLE.report(&item).ok_or_else(|| {
        refuse(
            "item",
            Text::new(
                format!("项目 {item} 没有报告格式"),
                format!("The item {item} has no report form"),
            ),
        )
    })?;
    let saved = match &existing {
        Some(r) => Some(report_view(&state, r).await?),
        None => None,
    };
    let rows: Vec<Value> = form
        .analytes
        .iter()
        .filter_map(|c| TABLE.by_code(c))
        .map(|a| {
            let value = saved.as_ref().and_then(|s| {
                s["rows"]
                    .as_array()?
                    .iter()
                    .find(|r| r["analyte"] == a.code.as_str())
                    .map(|r| r["value"].clone())
            });
            json!({
                "analyte": a.code, "loinc": a.loinc,
                "name": {"zh": a.name.zh, "en": a.name.en},
                "unit": a.unit, "accepted": a.accepted,
                "min": a.min.as_str(), "max": a.max.as_str(),
                "value": value,
            })
        })
        .collect();
    if let Some(r) = &existing {
        audit::record(
            &state,
            &ctx,
            "read",
            &format!("DiagnosticReport/{}", r.id),
            crate::audit::SUCCESS,
            "result form",
        )
        .await?;
    }
    let patient_name =
        crate::appointments::calling::patient_name(&state, &placed.patient_id).await?;
    Ok(Json(json!({
        "order": order,
        "item": item,
        "encounter": placed.encounter_id,
        "order_status": placed.status.code(),
        "patient_name": patient_name,
        "title": {"zh": form.title.zh, "en": form.title.en},
        "kind": if form.analytes.is_empty() { "conclusion" } else { "panel" },
        "rows": rows,
        "report": saved,
    })))
}
