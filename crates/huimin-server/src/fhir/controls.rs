//! What every FHIR search shares, whatever its type: the parameters that shape the answer
//! rather than filter it (`_count`, `_offset`, `_sort`, `_total`, `_summary`, `_elements`,
//! `_include`, `_revinclude`, `_format`, `lang`), `Prefer: handling`, and the shaping of the
//! resources found. Each type reads its own filters and sort keys from what is left.

use axum::http::HeaderMap;
use huimin_domain::i18n::{Lang, Text};
use serde_json::{Map, Value, json};

use super::params::bad;
use super::summary;
use crate::error::{ApiError, Issue};

pub const DEFAULT_COUNT: u32 = 20;
pub const MAX_COUNT: u32 = 100;

/// `_summary` as served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Summary {
    False,
    /// The summary elements R4 marks (and the mandatory ones), tagged `SUBSETTED`.
    True,
    /// Only the total.
    Count,
    /// Everything but the narrative.
    Data,
}

/// One `_include` or `_revinclude` value: `Source:param` or `Source:param:Target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    pub source: String,
    pub param: String,
    pub target: Option<String>,
}

impl Include {
    pub fn text(&self) -> String {
        match &self.target {
            Some(t) => format!("{}:{}:{t}", self.source, self.param),
            None => format!("{}:{}", self.source, self.param),
        }
    }

    /// Whether a resource of type `kind` may be included by this value.
    pub fn admits(&self, kind: &str) -> bool {
        self.target.as_deref().is_none_or(|t| t == kind)
    }
}

#[derive(Debug)]
pub struct Controls {
    pub count: u32,
    pub offset: u32,
    /// `_sort` keys as written, in order, with whether each is descending.
    pub sort: Vec<(String, bool)>,
    pub summary: Summary,
    /// `_elements`: the top-level elements asked for.
    pub elements: Option<Vec<String>>,
    pub include: Vec<Include>,
    pub revinclude: Vec<Include>,
    /// Every parameter as given except `_count` and `_offset`, which each paging link sets:
    /// a link that dropped one (`_sort` above all) would page through another result.
    pub link_params: Vec<(String, String)>,
    /// The filter parameters, in order, for the type to read.
    pub filters: Vec<(String, String)>,
    /// `Prefer: handling=lenient`: unknown or unsupported parameters are ignored (and said so)
    /// rather than refused.
    pub lenient: bool,
    /// What was ignored, as the refusals strict handling would have given.
    pub ignored: Vec<Issue>,
}

/// `Prefer: handling=lenient` (strict is the default, as R4 allows).
pub fn lenient(headers: &HeaderMap) -> bool {
    headers.get_all("prefer").iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split([',', ';'])
                .any(|p| p.trim().eq_ignore_ascii_case("handling=lenient"))
        })
    })
}

impl Controls {
    /// Reads the shaping parameters; the rest become `filters`.
    pub fn read(pairs: &[(String, String)], headers: &HeaderMap) -> Result<Self, ApiError> {
        let mut controls = Controls {
            count: DEFAULT_COUNT,
            offset: 0,
            sort: Vec::new(),
            summary: Summary::False,
            elements: None,
            include: Vec::new(),
            revinclude: Vec::new(),
            link_params: Vec::new(),
            filters: Vec::new(),
            lenient: lenient(headers),
            ignored: Vec::new(),
        };
        for (key, value) in pairs {
            if super::kinds::has_control_chars(key) || super::kinds::has_control_chars(value) {
                return Err(ApiError::bad_request(Text::new(
                    format!("搜索参数 {} 含有控制字符", key.escape_debug()),
                    format!(
                        "Search parameter {} contains control characters",
                        key.escape_debug()
                    ),
                )));
            }
            if key != "_count" && key != "_offset" {
                controls.link_params.push((key.clone(), value.clone()));
            }
            controls.read_one(key, value)?;
        }
        Ok(controls)
    }

    fn read_one(&mut self, key: &str, value: &str) -> Result<(), ApiError> {
        match key {
            "_count" => self.count = whole_number(key, value)?.min(MAX_COUNT),
            "_offset" => self.offset = whole_number(key, value)?,
            "_sort" => self.sort = sort_keys(value)?,
            "_summary" => {
                self.summary = match value {
                    "count" => Summary::Count,
                    "false" => Summary::False,
                    "true" => Summary::True,
                    "data" => Summary::Data,
                    other => {
                        return self.refuse_or_ignore(bad(
                            key,
                            format!("不支持的 _summary：{other}（支持 true、count、data、false）"),
                            format!(
                                "Unsupported _summary: {other} (use true, count, data or false)"
                            ),
                        ));
                    }
                };
            }
            // Totals are always counted exactly, which every mode allows.
            "_total" if !matches!(value, "none" | "estimate" | "accurate") => {
                return self.refuse_or_ignore(bad(
                    key,
                    format!("不支持的 _total：{value}（支持 none、estimate、accurate）"),
                    format!("Unsupported _total: {value} (use none, estimate or accurate)"),
                ));
            }
            "_elements" => {
                let names: Vec<String> = value
                    .split(',')
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty())
                    .collect();
                if names.is_empty() || names.iter().any(|n| !is_element_name(n)) {
                    return Err(bad(
                        key,
                        format!("_elements 须为以逗号分隔的元素名：{value}"),
                        format!("_elements must list element names, comma-separated: {value}"),
                    ));
                }
                self.elements = Some(names);
            }
            "_include" | "_revinclude" => {
                let include = include_value(key, value)?;
                if key == "_include" {
                    self.include.push(include);
                } else {
                    self.revinclude.push(include);
                }
            }
            "_total" | "_format" | "lang" => {}
            _ => self.filters.push((key.to_owned(), value.to_owned())),
        }
        Ok(())
    }

    /// Strict handling refuses; lenient handling notes the refusal and goes on.
    pub fn refuse_or_ignore(&mut self, refusal: ApiError) -> Result<(), ApiError> {
        if self.lenient {
            self.ignored.extend(refusal.issues);
            Ok(())
        } else {
            Err(refusal)
        }
    }

    /// The OperationOutcome entry that says what lenient handling ignored, if anything.
    pub fn outcome_entry(&self, lang: Lang) -> Option<Value> {
        if self.ignored.is_empty() {
            return None;
        }
        let issues: Vec<Value> = self
            .ignored
            .iter()
            .map(|issue| {
                let note = Text::new(
                    format!("{}（已忽略）", issue.text.zh),
                    format!("{} (ignored)", issue.text.en),
                );
                let mut body = json!({
                    "severity": "warning",
                    "code": "not-supported",
                    "details": {"text": note.get(lang)},
                });
                if let Some(at) = &issue.expression {
                    body["expression"] = json!([at]);
                }
                body
            })
            .collect();
        Some(json!({
            "fullUrl": format!("urn:uuid:{}", uuid::Uuid::new_v4()),
            "resource": {"resourceType": "OperationOutcome", "issue": issues},
            "search": {"mode": "outcome"},
        }))
    }

    /// Whether the matches are cut down (`_summary=true`, `_elements`).
    fn subsets(&self) -> bool {
        self.summary == Summary::True || self.elements.is_some()
    }

    /// A matched resource as `_summary` and `_elements` ask; included resources are whole.
    pub fn shape(&self, resource: &mut Value) {
        let Some(object) = resource.as_object_mut() else {
            return;
        };
        let kind = object
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if self.summary == Summary::Data {
            object.remove("text");
        }
        if !self.subsets() {
            return;
        }
        let wanted: Vec<&str> = match (&self.elements, self.summary) {
            (Some(names), _) => names.iter().map(String::as_str).collect(),
            (None, _) => summary::summary_elements(&kind).to_vec(),
        };
        let mandatory = summary::mandatory_elements(&kind);
        object.retain(|name, _| {
            matches!(name.as_str(), "resourceType" | "id" | "meta")
                || mandatory.iter().any(|m| element_is(name, m))
                || wanted.iter().any(|w| element_is(name, w))
        });
        tag_subsetted(object);
    }
}

/// `name` is the element `wanted` (or its `_name` primitive extension, or one type of a
/// choice element `wanted[x]`).
fn element_is(name: &str, wanted: &str) -> bool {
    let name = name.strip_prefix('_').unwrap_or(name);
    let wanted = wanted.strip_suffix("[x]").unwrap_or(wanted);
    name == wanted
        || name
            .strip_prefix(wanted)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

fn is_element_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// R4's mark of a resource returned in part.
fn tag_subsetted(object: &mut Map<String, Value>) {
    let meta = object.entry("meta").or_insert_with(|| json!({}));
    if let Some(meta) = meta.as_object_mut() {
        let tags = meta.entry("tag").or_insert_with(|| json!([]));
        if let Some(tags) = tags.as_array_mut() {
            tags.push(json!({
                "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
                "code": "SUBSETTED",
                "display": "subsetted",
            }));
        }
    }
}

fn whole_number(key: &str, value: &str) -> Result<u32, ApiError> {
    value.parse().map_err(|_| {
        bad(
            key,
            format!("{key} 须为非负整数：{value}"),
            format!("{key} must be a whole number: {value}"),
        )
    })
}

/// `_sort=-date,_id`: keys in order, `-` for descending; which keys a type serves is the
/// type's to say.
fn sort_keys(value: &str) -> Result<Vec<(String, bool)>, ApiError> {
    value
        .split(',')
        .map(|raw| {
            let raw = raw.trim();
            let (descending, name) = match raw.strip_prefix('-') {
                Some(name) => (true, name),
                None => (false, raw),
            };
            if name.is_empty() {
                return Err(bad(
                    "_sort",
                    format!("_sort 含有空的排序键：{value}"),
                    format!("_sort has an empty key: {value}"),
                ));
            }
            Ok((name.to_owned(), descending))
        })
        .collect()
}

/// `Source:param[:Target]`.
fn include_value(key: &str, value: &str) -> Result<Include, ApiError> {
    let parts: Vec<&str> = value.split(':').collect();
    let named = |s: &&str| !s.is_empty();
    match parts.as_slice() {
        [source, param] if named(source) && named(param) => Ok(Include {
            source: (*source).to_owned(),
            param: (*param).to_owned(),
            target: None,
        }),
        [source, param, target] if named(source) && named(param) && named(target) => Ok(Include {
            source: (*source).to_owned(),
            param: (*param).to_owned(),
            target: Some((*target).to_owned()),
        }),
        _ => Err(bad(
            key,
            format!("{key} 须写作 类型:参数 或 类型:参数:目标类型：{value}"),
            format!("{key} must be Type:parameter or Type:parameter:TargetType: {value}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn shaping_parameters_are_read_and_filters_left_in_order() {
        let given = pairs(&[
            ("_sort", "-date,_id"),
            ("_count", "1000"),
            ("status", "free"),
            ("_include", "Slot:schedule"),
            ("_revinclude", "Slot:schedule:Schedule"),
            ("_offset", "40"),
            ("start", "ge2026-12-08"),
        ]);
        let c = Controls::read(&given, &HeaderMap::new()).unwrap();
        assert_eq!((c.count, c.offset), (MAX_COUNT, 40));
        assert_eq!(
            c.sort,
            vec![("date".to_owned(), true), ("_id".to_owned(), false)]
        );
        assert_eq!(
            c.filters,
            pairs(&[("status", "free"), ("start", "ge2026-12-08")])
        );
        assert_eq!(c.include[0].text(), "Slot:schedule");
        assert!(c.revinclude[0].admits("Schedule") && !c.revinclude[0].admits("Slot"));
        assert!(
            !c.link_params
                .iter()
                .any(|(k, _)| k == "_count" || k == "_offset")
        );
    }

    #[test]
    fn malformed_controls_are_refused() {
        for (k, v) in [
            ("_include", "Slot"),
            ("_include", "Slot::x"),
            ("_elements", "id,a.b"),
            ("_sort", "a,,b"),
            ("_count", "-1"),
        ] {
            assert!(
                Controls::read(&pairs(&[(k, v)]), &HeaderMap::new()).is_err(),
                "{k}={v}"
            );
        }
    }

    #[test]
    fn lenient_handling_is_asked_for_with_prefer() {
        let mut headers = HeaderMap::new();
        assert!(!lenient(&headers));
        headers.insert(
            "prefer",
            "return=minimal, handling=lenient".parse().unwrap(),
        );
        assert!(lenient(&headers));
        headers.insert("prefer", "handling=strict".parse().unwrap());
        assert!(!lenient(&headers));
    }

    #[test]
    fn elements_keep_what_was_asked_and_what_is_mandatory() {
        let c = Controls::read(&pairs(&[("_elements", "start")]), &HeaderMap::new()).unwrap();
        let mut slot = json!({
            "resourceType": "Slot", "id": "s1", "status": "free", "start": "x", "end": "y",
            "schedule": {"reference": "Schedule/a"}, "comment": "c", "extension": [],
        });
        c.shape(&mut slot);
        let mut keys: Vec<&str> = slot
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "end",
                "id",
                "meta",
                "resourceType",
                "schedule",
                "start",
                "status"
            ]
        );
        assert_eq!(slot["meta"]["tag"][0]["code"], "SUBSETTED");
    }

    #[test]
    fn the_summary_keeps_summary_elements_and_choice_types() {
        let c = Controls::read(&pairs(&[("_summary", "true")]), &HeaderMap::new()).unwrap();
        let mut patient = json!({
            "resourceType": "Patient", "id": "p", "name": [], "deceasedBoolean": false,
            "_birthDate": {}, "birthDate": "2000-01-01", "contact": [], "extension": [],
        });
        c.shape(&mut patient);
        let obj = patient.as_object().unwrap();
        for kept in ["name", "deceasedBoolean", "_birthDate", "birthDate"] {
            assert!(obj.contains_key(kept), "{kept}");
        }
        assert!(!obj.contains_key("contact") && !obj.contains_key("extension"));
    }
}
