//! A report as the pages and the PDF show it: its rows (name, value as written, unit,
//! reference interval, flag in plain words 偏高/偏低, critical), in both languages.

use huimin_domain::i18n::Text;
use huimin_domain::results::Flag;
use huimin_fhir::{CodeableConcept, DiagnosticReport, Observation};
use huimin_store::results::{ObservationRecord, ReportRecord};
use serde_json::{Value, json};

use super::TABLE;
use crate::error::ApiError;
use crate::state::AppState;

fn text_of(c: &CodeableConcept) -> Text {
    let zh = c
        .text
        .clone()
        .or_else(|| c.coding.first().and_then(|d| d.display.clone()))
        .unwrap_or_default();
    let en = c
        .text_ext
        .as_ref()
        .and_then(|e| e.translated("en"))
        .map(str::to_owned)
        .unwrap_or_else(|| zh.clone());
    Text::new(zh, en)
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| {
        tracing::error!(error = %e, "stored result does not parse");
        ApiError::internal()
    })
}

/// One row of a report.
pub fn row(o: &ObservationRecord) -> Result<Value, ApiError> {
    let obs: Observation = parse(&o.content)?;
    let analyte = (o.code != "unknown")
        .then(|| TABLE.by_loinc(&o.code))
        .flatten();
    let name = match analyte {
        Some(a) => a.name.clone(),
        None => text_of(&obs.code),
    };
    let q = obs.value_quantity.as_ref();
    let interpretation = obs
        .interpretation
        .first()
        .and_then(|i| i.coding.first())
        .and_then(|c| c.code.as_deref())
        .and_then(Flag::from_code);
    let flag_text = interpretation.map(|(flag, critical)| {
        let t = flag.text();
        if critical {
            Text::new(
                format!("{}（危急值）", t.zh),
                format!("{} (critical)", t.en),
            )
        } else {
            t
        }
    });
    Ok(json!({
        "id": o.id,
        "analyte": analyte.map(|a| a.code.as_str()),
        "loinc": obs.code.coding.first().and_then(|c| c.code.clone()),
        "unknown": analyte.is_none(),
        "name": {"zh": name.zh, "en": name.en},
        "value": q.and_then(|q| q.value.as_ref()).map(|v| v.as_str().to_owned())
            .or_else(|| obs.value_string.clone()),
        "unit": q.and_then(|q| q.unit.clone()),
        "range": obs.reference_range.first().and_then(|r| r.text.clone()),
        "flag": interpretation.map(|(f, c)| f.code(c)),
        "arrow": interpretation.map(|(f, _)| f.arrow()),
        "flag_text": flag_text.map(|t| json!({"zh": t.zh, "en": t.en})),
        "critical": interpretation.is_some_and(|(_, c)| c),
    }))
}

/// The report with its rows.
pub async fn report_view(state: &AppState, r: &ReportRecord) -> Result<Value, ApiError> {
    let report: DiagnosticReport = parse(&r.content)?;
    let title = text_of(&report.code);
    let mut rows = Vec::new();
    for o in state.store.observations_of(&r.id).await? {
        rows.push(row(&o)?);
    }
    let status_text = if r.status == "final" {
        Text::new("已发布", "Final")
    } else {
        Text::new("草稿", "Draft")
    };
    Ok(json!({
        "id": r.id,
        "order": r.order_id,
        "patient": r.patient_id,
        "encounter": r.encounter_id,
        "item": r.item,
        "category": r.category,
        "title": {"zh": title.zh, "en": title.en},
        "status": r.status,
        "status_text": {"zh": status_text.zh, "en": status_text.en},
        "source": r.source,
        "effective": huimin_store::instant_text(r.effective_at),
        "issued": r.issued_at.map(huimin_store::instant_text),
        "conclusion": report.conclusion,
        "version": r.version,
        "rows": rows,
        "abnormal": rows.iter().filter(|row| row["flag"].as_str().is_some_and(|f| f != "N")).count(),
    }))
}

/// The visit's final reports as the printed record shows them: a title with the report time,
/// then one line per result (name, value as written, unit, arrow and 偏高/偏低, interval) or
/// the conclusion.
pub async fn printed(
    state: &AppState,
    encounter_id: &str,
) -> Result<Vec<huimin_domain::records::NoteSection>, ApiError> {
    let reports = state
        .store
        .search_reports(&huimin_store::results::ResultFilter {
            encounter: Some(encounter_id.to_owned()),
            status: Some("final".into()),
            limit: 50,
            ..Default::default()
        })
        .await?;
    let mut out = Vec::new();
    for r in reports.iter().rev() {
        let view = report_view(state, r).await?;
        let when = r
            .issued_at
            .and_then(|t| jiff::Timestamp::from_microsecond(t).ok())
            .map(|t| {
                let wall = state.clock.wall(t);
                format!(
                    "{}月{}日 {:02}:{:02}",
                    wall.month(),
                    wall.day(),
                    wall.hour(),
                    wall.minute()
                )
            })
            .unwrap_or_default();
        let mut lines: Vec<String> = view["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|row| {
                let flag = row["flag_text"]["zh"].as_str().unwrap_or_default();
                let flag = if flag.is_empty() || row["flag"] == "N" {
                    String::new()
                } else {
                    format!(" {}{}", row["arrow"].as_str().unwrap_or_default(), flag)
                };
                let range = row["range"]
                    .as_str()
                    .map(|r| format!("（{r}）"))
                    .unwrap_or_default();
                format!(
                    "{} {} {}{flag}{range}",
                    row["name"]["zh"].as_str().unwrap_or_default(),
                    row["value"].as_str().unwrap_or_default(),
                    huimin_domain::results::unit_for_people(
                        row["unit"].as_str().unwrap_or_default()
                    ),
                )
            })
            .collect();
        if let Some(c) = view["conclusion"].as_str() {
            lines.push(format!("结论：{c}"));
        }
        out.push(huimin_domain::records::NoteSection::new(
            format!(
                "{}（{when}）",
                view["title"]["zh"].as_str().unwrap_or_default()
            ),
            lines.join("\n"),
        ));
    }
    Ok(out)
}
