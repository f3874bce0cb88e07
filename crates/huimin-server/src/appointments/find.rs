//! `$find`: bookable slots by department, doctor, dates and class; public. With `patient`,
//! only the sessions that patient may be booked into.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_store::appointments::{SessionRecord, SlotFilter, SlotRecord};
use huimin_store::{IndexValue, Match, SearchClause, SearchQuery};
use serde_json::{Value, json};

use super::admission::{self, excluded};
use super::parameters::bad;
use super::views;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;
use huimin_domain::appointments::Booker;

/// `GET /fhir/Appointment/$find`.
pub async fn find(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut filter = default_filter(&state).await?;
    let mut patient = None;
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    for (key, value) in &params {
        match key.as_str() {
            "patient" => patient = Some(value.strip_prefix("Patient/").unwrap_or(value).to_owned()),
            "practitioner" => {
                filter.practitioner_role_ids = Some(roles_named(&state, value).await?);
            }
            _ => apply(&mut filter, key, value)?,
        }
    }
    filter.excluded = admitted(&state, &ctx, patient.as_deref()).await?;
    // Staff booking in person may book the slot under way (slots are at most 30 minutes).
    if ctx.caller.as_ref().is_some_and(|c| c.role.is_staff()) {
        let now = state.clock.now().as_microsecond();
        filter.starts_after = now - 30 * 60 * 1_000_000 - 1;
        filter.ends_after = Some(now);
    }
    // The walk along the time index stops at the end of the last day asked for.
    filter.starts_before = filter
        .to_date
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.tomorrow().ok())
        .and_then(|d| {
            state
                .clock
                .instant(d.to_datetime(jiff::civil::Time::midnight()))
        })
        .map(|t| t.as_microsecond());
    let (total, found) = state.store.find_slots(&filter).await?;
    let base = crate::fhir::base_url(&headers);
    let page = Paging {
        params: &params,
        offset: filter.offset,
        limit: filter.limit,
        total,
        found: found.len(),
    };
    Ok(bundle(&base, &page.links(&base), total, &found))
}

/// The roles a `practitioner` parameter names: a `PractitionerRole/{id}` or a bare role id is
/// that role; a `Practitioner/{id}` is every role the doctor holds (one per department).
async fn roles_named(state: &AppState, value: &str) -> Result<Vec<String>, ApiError> {
    let Some(practitioner) = value.strip_prefix("Practitioner/") else {
        return Ok(vec![
            value
                .strip_prefix("PractitionerRole/")
                .unwrap_or(value)
                .to_owned(),
        ]);
    };
    roles_of(state, practitioner).await
}

/// The ids of every post (PractitionerRole) a doctor holds: one per department they work in.
pub(crate) async fn roles_of(
    state: &AppState,
    practitioner: &str,
) -> Result<Vec<String>, ApiError> {
    let query = SearchQuery {
        clauses: vec![SearchClause {
            param: "practitioner".into(),
            any_of: vec![Match::Exact(IndexValue::Plain(format!(
                "Practitioner/{practitioner}"
            )))],
            negated: false,
        }],
        count: 100,
        ..SearchQuery::default()
    };
    let found = state
        .store
        .search_resources("PractitionerRole", &query)
        .await?;
    Ok(found.items.into_iter().map(|r| r.id).collect())
}

/// One page of `$find` and the request that asked for it, for the Bundle's links.
struct Paging<'a> {
    params: &'a [(String, String)],
    offset: u32,
    limit: u32,
    total: Option<i64>,
    found: usize,
}

impl Paging<'_> {
    /// `self`, `next` when more follow and `previous` when this is not the first page, each
    /// carrying every parameter of the request with its own `_offset`.
    fn links(&self, base: &str) -> Vec<Value> {
        let end = u64::from(self.offset) + self.found as u64;
        let more = match self.total {
            Some(total) => end < u64::try_from(total).unwrap_or(0),
            None => self.found as u32 >= self.limit && self.limit > 0,
        };
        let mut links = vec![self.link(base, "self", self.offset)];
        if more {
            links.push(self.link(base, "next", self.offset + self.limit));
        }
        if self.offset > 0 {
            links.push(self.link(base, "previous", self.offset.saturating_sub(self.limit)));
        }
        links
    }

    fn link(&self, base: &str, relation: &str, offset: u32) -> Value {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.params.iter().filter(|(k, _)| k != "_offset") {
            query.append_pair(key, value);
        }
        query.append_pair("_offset", &offset.to_string());
        json!({"relation": relation, "url": format!("{base}/Appointment/$find?{}", query.finish())})
    }
}

/// The sessions the caller may not book: every department's that does not take their
/// bookings (emergency and medical technology for patients and the public), and, for a
/// patient named, those outside that patient's age and sex limits.
async fn admitted(
    state: &AppState,
    ctx: &Ctx,
    patient: Option<&str>,
) -> Result<Vec<huimin_store::appointments::Excluded>, ApiError> {
    let rules = state.rules.current(&state.store).await?;
    let staff = ctx.caller.as_ref().is_some_and(|c| c.role.is_staff());
    let booker = if staff {
        Booker::Staff
    } else {
        Booker::Patient
    };
    let Some(patient) = patient else {
        return Ok(excluded(&rules, None, booker));
    };
    let facts = admission::facts_for(state, ctx, patient).await?;
    Ok(excluded(&rules, Some(&facts), booker))
}

/// Free slots from now on, up to the furthest day any department books ahead, 50 a page.
async fn default_filter(state: &AppState) -> Result<SlotFilter, ApiError> {
    let today = state.clock.today();
    let window_days = state
        .rules
        .current(&state.store)
        .await?
        .longest_window_days();
    Ok(SlotFilter {
        from_date: today.to_string(),
        to_date: today
            .saturating_add(jiff::Span::new().days(i64::from(window_days)))
            .to_string(),
        starts_after: state.clock.now().as_microsecond(),
        only_available: true,
        count_total: true,
        limit: 50,
        ..SlotFilter::default()
    })
}

/// One query parameter into the filter; 400 for a bad value or an unknown parameter.
fn apply(filter: &mut SlotFilter, key: &str, value: &str) -> Result<(), ApiError> {
    let id_of = |v: &str, kind: &str| v.strip_prefix(&format!("{kind}/")).unwrap_or(v).to_owned();
    let date = |v: &str| {
        v.parse::<jiff::civil::Date>()
            .map(|d| d.to_string())
            .map_err(|_| {
                bad(
                    format!("{key} 须为 YYYY-MM-DD"),
                    format!("{key} must be YYYY-MM-DD"),
                )
            })
    };
    match key {
        "department" => filter.department_id = Some(id_of(value, "Organization")),
        "class" => filter.registration_class = Some(value.to_owned()),
        "start" => filter.from_date = date(value)?,
        "end" => filter.to_date = date(value)?,
        "available" => filter.only_available = value != "false",
        "_count" => {
            filter.limit = value
                .parse::<u32>()
                .map_err(|_| {
                    bad(
                        "_count 须为整数".into(),
                        "_count must be a whole number".into(),
                    )
                })?
                .min(100)
        }
        "_offset" => {
            filter.offset = value.parse().map_err(|_| {
                bad(
                    "_offset 须为整数".into(),
                    "_offset must be a whole number".into(),
                )
            })?
        }
        "_total" => {
            filter.count_total = match value {
                "accurate" | "estimate" => true,
                "none" => false,
                _ => {
                    return Err(bad(
                        "_total 须为 none、estimate 或 accurate".into(),
                        "_total must be none, estimate or accurate".into(),
                    ));
                }
            }
        }
        "lang" => {}
        other => {
            return Err(bad(
                format!("$find 不支持参数 {other}"),
                format!(
                    "$find has no parameter {other}; use department, practitioner, patient, start, end, class, available, _count, _offset, _total"
                ),
            ));
        }
    }
    Ok(())
}

/// The search-set Bundle of the slots found.
fn bundle(
    base: &str,
    links: &[Value],
    total: Option<i64>,
    found: &[(SessionRecord, SlotRecord)],
) -> Response {
    let entries: Vec<Value> = found
        .iter()
        .map(|(session, slot)| json!({"fullUrl": format!("{base}/Slot/{}", slot.id), "resource": views::slot(session, slot), "search": {"mode": "match"}}))
        .collect();
    let mut bundle = json!({"resourceType": "Bundle", "type": "searchset", "link": links});
    if let Some(total) = total {
        bundle["total"] = total.into();
    }
    if !entries.is_empty() {
        bundle["entry"] = Value::Array(entries);
    }
    crate::fhir::fhir_response(StatusCode::OK, &bundle)
}
