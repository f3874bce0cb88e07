//! `GET /api/directory/search?q=&_count=`: departments by name, English name, alias (the
//! hospital's own and the common ones by national code: 心内, 牙科) and pinyin; doctors by name,
//! pinyin and specialty. One pinyin index (`huimin_domain::search`) over the whole directory,
//! built per request from two reads: a hospital's directory is a few hundred entries.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::directory::aliases_of;
use huimin_domain::i18n::Text;
use huimin_domain::search::{Field, Hit, PinyinIndex};
use huimin_store::{SearchQuery, SortKey, StoreError};
use serde::Deserialize;
use serde_json::{Value, json};

use super::names::{department_code, department_english};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::fhir::index;
use crate::state::AppState;

/// The longest query taken: longer than any department's or doctor's name with room to spare.
const MAX_QUERY_CHARS: usize = 40;

#[derive(Deserialize)]
pub struct Params {
    q: Option<String>,
    #[serde(rename = "_count")]
    count: Option<String>,
}

/// What an index key stands for: a department or a doctor's post, by position in the lists
/// read.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Found {
    Department(usize),
    Doctor(usize),
}

/// The directory as read for one search.
struct Directory {
    departments: Vec<Value>,
    roles: Vec<Value>,
}

#[tracing::instrument(skip_all)]
pub async fn search(
    State(state): State<AppState>,
    _: Ctx,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let (query, count) = parse(&params)?;
    let directory = read(&state).await?;
    let index = directory.index();
    let hits = index.search(&query);
    Ok(Json(directory.answer(&query, &hits, count)).into_response())
}

fn parse(params: &Params) -> Result<(String, usize), ApiError> {
    let query = params.q.as_deref().unwrap_or_default().trim().to_owned();
    if query.is_empty() {
        return Err(ApiError::bad_request(Text::new(
            "请输入科室、医生姓名、擅长或拼音",
            "Type a department, a doctor's name, a specialty or pinyin",
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
        None => 20,
        Some(raw) => match raw.trim().parse::<usize>() {
            Ok(n @ 1..=100) => n,
            _ => {
                return Err(ApiError::bad_request(Text::new(
                    "_count 须为 1 到 100 的整数",
                    "_count must be a whole number from 1 to 100",
                ))
                .at("_count"));
            }
        },
    };
    Ok((query, count))
}

/// Every active resource of a kind (a directory's few hundred, a page of 500 at a time).
async fn all(state: &AppState, kind: &str) -> Result<Vec<Value>, StoreError> {
    const PAGE: u32 = 500;
    let mut found = Vec::new();
    for page in 0.. {
        let query = SearchQuery {
            clauses: Vec::new(),
            count: PAGE,
            offset: page * PAGE,
            sort: vec![SortKey::ID],
        };
        let result = state.store.search_resources(kind, &query).await?;
        let last = result.items.len() < PAGE as usize;
        found.extend(result.items.into_iter().map(|r| r.content));
        if last {
            break;
        }
    }
    found.retain(|r| r["active"] != false);
    Ok(found)
}

async fn read(state: &AppState) -> Result<Directory, ApiError> {
    let mut departments = all(state, "Organization").await?;
    let rules = state.rules.current(&state.store).await?;
    // Laboratory and imaging work on doctors' orders: patients do not choose them.
    let listed = |o: &Value| {
        o["id"]
            .as_str()
            .and_then(|id| rules.directory().get(id))
            .is_none_or(|d| d.profile.kind.is_listed())
    };
    departments
        .retain(|o| department_code(o).is_some() && type_code(o) == Some("dept") && listed(o));
    let mut roles = all(state, "PractitionerRole").await?;
    let department_ids: Vec<String> = departments.iter().map(reference).collect();
    roles.retain(|r| {
        r["organization"]["reference"]
            .as_str()
            .is_some_and(|o| department_ids.iter().any(|d| d == o))
    });
    Ok(Directory { departments, roles })
}

fn type_code(org: &Value) -> Option<&str> {
    org["type"][0]["coding"][0]["code"].as_str()
}

fn reference(resource: &Value) -> String {
    format!(
        "{}/{}",
        resource["resourceType"].as_str().unwrap_or_default(),
        resource["id"].as_str().unwrap_or_default()
    )
}

impl Directory {
    fn index(&self) -> PinyinIndex<Found> {
        let mut index = PinyinIndex::new();
        for (i, org) in self.departments.iter().enumerate() {
            let key = Found::Department(i);
            index.add(key, Field::Name, org["name"].as_str().unwrap_or_default());
            if let Some(english) = department_english(org) {
                index.add(key, Field::Name, &english);
            }
            for alias in index::strings(org, &["alias"]) {
                index.add(key, Field::Alias, &alias);
            }
            if let Some(code) = department_code(org) {
                for alias in aliases_of(&code) {
                    index.add(key, Field::Alias, alias);
                }
                index.add(key, Field::Alias, &code.catalog_name().en);
            }
        }
        for (i, role) in self.roles.iter().enumerate() {
            let key = Found::Doctor(i);
            let name = role["practitioner"]["display"].as_str().unwrap_or_default();
            index.add(key, Field::Name, name);
            for specialty in specialties(role) {
                index.add(key, Field::Detail, &specialty);
            }
        }
        index
    }

    /// The answer: departments and doctors in the order found (at most `count` of each), the
    /// departments of the doctors found, and how each was matched.
    fn answer(&self, query: &str, hits: &[Hit<Found>], count: usize) -> Value {
        let matched = |hit: &Hit<Found>| json!({"how": hit.matched.code(), "field": field_code(hit.field), "text": hit.text});
        let mut departments = Vec::new();
        let mut doctors = Vec::new();
        for hit in hits {
            match hit.key {
                Found::Department(i) if departments.len() < count => departments.push(json!({
                    "resource": self.departments[i], "match": matched(hit),
                })),
                Found::Doctor(i) if doctors.len() < count => {
                    let role = &self.roles[i];
                    let department = self
                        .departments
                        .iter()
                        .find(|d| role["organization"]["reference"] == reference(d));
                    doctors.push(json!({
                        "resource": role, "department": department, "match": matched(hit),
                    }));
                }
                _ => {}
            }
        }
        json!({"query": query, "departments": departments, "doctors": doctors})
    }
}

/// A post's specialties as texts, in both languages where they are translated (the national
/// department code among them is its department's, found by the department's name instead).
fn specialties(role: &Value) -> Vec<String> {
    let mut texts = Vec::new();
    for concept in index::each(role, &["specialty"]) {
        let is_department = index::each(concept, &["coding"])
            .iter()
            .any(|c| c["system"] == huimin_fhir::names::DEPARTMENT_CODE_SYSTEM);
        if is_department {
            continue;
        }
        texts.extend(concept["text"].as_str().map(str::to_owned));
        texts.extend(index::strings(concept, &["coding", "display"]));
        if let Ok(ext) =
            serde_json::from_value::<huimin_fhir::PrimitiveExtension>(concept["_text"].clone())
            && let Some(en) = ext.translated("en")
        {
            texts.push(en.to_owned());
        }
    }
    texts.dedup();
    texts
}

fn field_code(field: Field) -> &'static str {
    match field {
        Field::Name => "name",
        Field::Alias => "alias",
        Field::Detail => "specialty",
    }
}
