//! The checks an external result passes before anything is written: the performer's
//! name, identifier and qualification, the catalogue item the report answers, no time after
//! now, and values inside physical limits (a negative count is refused).

use huimin_domain::i18n::Text;
use huimin_domain::orders::Orderable;
use huimin_domain::recognition::{
    InstitutionIdKind, Scope, check_institution_id, hospital_level_ok,
};
use huimin_domain::results::check_value;
use huimin_fhir::names::{
    CREDIT_CODE_SYSTEM, INSTITUTION_LICENCE_SYSTEM, INSTITUTION_QUALIFICATION_EXT, ORDERABLE_SYSTEM,
};
use huimin_fhir::{DiagnosticReport, Observation, Organization};
use jiff::Timestamp;

use crate::error::ApiError;
use crate::orders::CATALOGUE;
use crate::results::TABLE;
use huimin_clock::Clock;

const LOINC: &str = "http://loinc.org";

pub(super) fn unprocessable(
    path: String,
    zh: impl Into<String>,
    en: impl Into<String>,
) -> ApiError {
    ApiError::unprocessable(Text::new(zh, en)).at(path)
}

/// The performer's name, identifier, level and recognition mark; all required.
pub(super) struct Performer {
    pub name: String,
    pub identifier: String,
    pub level: String,
    pub mark: Scope,
}

pub(super) fn performer(org: &Organization, at: usize) -> Result<Performer, ApiError> {
    let path = |field: &str| format!("Bundle.entry[{at}].resource.{field}");
    let name = org
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            unprocessable(
                path("name"),
                "须写明执行机构名称",
                "Name the performing institution",
            )
        })?;
    let mut identifier = None;
    for (i, id) in org.identifier.iter().enumerate() {
        let kind = match id.system.as_deref() {
            Some(CREDIT_CODE_SYSTEM) => InstitutionIdKind::CreditCode,
            Some(INSTITUTION_LICENCE_SYSTEM) => InstitutionIdKind::LicenceNumber,
            _ => continue,
        };
        let value = id.value.as_deref().unwrap_or_default().trim();
        check_institution_id(kind, value)
            .map_err(|t| ApiError::unprocessable(t).at(path(&format!("identifier[{i}].value"))))?;
        identifier = Some(format!(
            "{}|{value}",
            id.system.as_deref().unwrap_or_default()
        ));
        break;
    }
    let identifier = identifier.ok_or_else(|| {
        unprocessable(
            path("identifier"),
            "执行机构须有统一社会信用代码或医疗机构执业许可证登记号",
            "The institution needs a unified social credit code or a licence registration number",
        )
    })?;
    let no_qualification = || {
        unprocessable(
            path("extension"),
            "执行机构缺少资质（医院等级与互认标识范围）",
            "The performing institution has no qualification (hospital level and recognition mark)",
        )
    };
    let (k, qualification) = org
        .extension
        .iter()
        .enumerate()
        .find(|(_, e)| e.url == INSTITUTION_QUALIFICATION_EXT)
        .ok_or_else(no_qualification)?;
    let part = |url: &str| qualification.extension.iter().position(|e| e.url == url);
    let level_at = part("level").ok_or_else(no_qualification)?;
    let level = qualification.extension[level_at]
        .value_string
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if !hospital_level_ok(level) {
        return Err(unprocessable(
            path(&format!("extension[{k}].extension[{level_at}].valueString")),
            format!("医院等级“{level}”无效（如 三级甲等）"),
            format!("Unknown hospital level {level:?} (e.g. 三级甲等)"),
        ));
    }
    let scope_at = part("recognition-scope").ok_or_else(no_qualification)?;
    let code = qualification.extension[scope_at]
        .value_code
        .as_deref()
        .unwrap_or_default();
    let mark = Scope::from_code(code).ok_or_else(|| {
        unprocessable(
            path(&format!("extension[{k}].extension[{scope_at}].valueCode")),
            format!("互认范围“{code}”无效：可为 national、province、city 或 alliance"),
            format!("Unknown recognition scope {code:?}: national, province, city or alliance"),
        )
    })?;
    Ok(Performer {
        name: name.to_owned(),
        identifier,
        level: level.to_owned(),
        mark,
    })
}

/// The catalogue item the report answers: its orderable code, else its LOINC order code.
pub(super) fn item_of(
    report: &DiagnosticReport,
    at: usize,
) -> Result<&'static Orderable, ApiError> {
    let coding = &report.code.coding;
    let by_code = coding
        .iter()
        .filter(|c| c.system.as_deref() == Some(ORDERABLE_SYSTEM))
        .find_map(|c| c.code.as_deref().and_then(|c| CATALOGUE.get(c)));
    let by_loinc = || {
        coding
            .iter()
            .filter(|c| c.system.as_deref() == Some(LOINC))
            .find_map(|c| {
                CATALOGUE
                    .all()
                    .find(|i| i.loinc.is_some() && i.loinc.as_deref() == c.code.as_deref())
            })
    };
    by_code.or_else(by_loinc).ok_or_else(|| {
        unprocessable(
            format!("Bundle.entry[{at}].resource.code"),
            "报告项目不在本院检查检验目录中（按项目代码或 LOINC 对照）",
            "The report's item is not in the orderable catalogue (by item code or LOINC)",
        )
    })
}

/// A FHIR date or dateTime after now, in the hospital's calendar for a bare date.
fn after_now(clock: &Clock, text: &str) -> Option<bool> {
    if text.len() == 10 {
        return text
            .parse::<jiff::civil::Date>()
            .ok()
            .map(|d| d > clock.today());
    }
    text.parse::<Timestamp>().ok().map(|t| t > clock.now())
}

pub(super) fn check_time(clock: &Clock, text: Option<&str>, path: String) -> Result<(), ApiError> {
    match text.map(|t| after_now(clock, t)) {
        None => Ok(()),
        Some(Some(false)) => Ok(()),
        Some(None) => Err(unprocessable(
            path,
            "时间格式无效",
            "Not a FHIR date or dateTime",
        )),
        Some(Some(true)) => Err(unprocessable(
            path,
            "时间晚于现在：结果不能来自未来",
            "This time is after now: a result cannot come from the future",
        )),
    }
}

/// Each Observation's values pass the analyte table's checks; one the table does not map may
/// still not be negative.
pub(super) fn check_observation(o: &Observation, at: usize) -> Result<(), ApiError> {
    let path = format!("Bundle.entry[{at}].resource.valueQuantity");
    let Some(q) = o.value_quantity.as_ref() else {
        return Ok(());
    };
    let value = q
        .value
        .as_ref()
        .map(|v| v.as_str().to_owned())
        .unwrap_or_default();
    let loinc = o
        .code
        .coding
        .iter()
        .find(|c| c.system.as_deref() == Some(LOINC))
        .and_then(|c| c.code.as_deref());
    match loinc.and_then(|c| TABLE.by_loinc(c)) {
        Some(analyte) => {
            let unit = q
                .code
                .clone()
                .or_else(|| q.unit.clone())
                .unwrap_or_default();
            check_value(analyte, &value, &unit, &path)
                .map(|_| ())
                .map_err(|p| ApiError::unprocessable(p.text).at(p.field))
        }
        None if value.trim_start().starts_with('-') => Err(unprocessable(
            format!("{path}.value"),
            "检验数值不能为负数",
            "A measured value cannot be negative",
        )),
        None => Ok(()),
    }
}
