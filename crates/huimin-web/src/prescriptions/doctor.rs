//! The doctor's buttons in the prescriptions part of the visit page. `POST
//! /staff/visits/{id}/prescriptions` carries the whole composer and one of `do=find`,
//! `add=<code>`, `remove=<line>`, `do=check` or `do=sign`; every answer but a signature is
//! the visit page again with the composer as typed. Signing checks first (so overrides
//! answer the warnings standing now), then signs a new prescription or, amending a returned
//! one, signs it again at its version.

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;

use super::compose::{Composer, DrugPick};
use super::draft::Draft;
use crate::api::{Api, Reply};
use crate::i18n::t;
use crate::web::{SignedIn, Web, encoded};

/// How many drugs the search shows.
const PICKS: usize = 8;

enum Action {
    Find,
    Add(String),
    Remove(usize),
    Check,
    Sign,
}

fn action(pairs: &[(String, String)]) -> Action {
    for (k, v) in pairs {
        match (k.as_str(), v.as_str()) {
            ("add", code) => return Action::Add(code.to_owned()),
            ("remove", line) => return Action::Remove(line.parse().unwrap_or(usize::MAX)),
            ("do", "check") => return Action::Check,
            ("do", "sign") => return Action::Sign,
            _ => {}
        }
    }
    Action::Find
}

async fn find(api: &Api, web: &Web, q: &str, limit: usize) -> Vec<Value> {
    let q = q.trim();
    if q.is_empty() {
        return Vec::new();
    }
    let reply = api
        .get(web, &format!("/api/drugs?q={}&limit={limit}", encoded(q)))
        .await;
    reply.body["drugs"].as_array().cloned().unwrap_or_default()
}

fn pick(d: &Value, web: &Web) -> DrugPick {
    let lang = web.lang;
    let price = crate::fmt::fen(d["price_fen"].as_i64().unwrap_or(0));
    let unit = d["package_unit"].as_str().unwrap_or_default();
    let brands: Vec<&str> = d["brands"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut detail = format!(
        "{} · {price}/{unit}",
        d["specification"].as_str().unwrap_or_default()
    );
    if !brands.is_empty() {
        detail = format!("{detail} · {}", brands.join("、"));
    }
    DrugPick {
        code: d["code"].as_str().unwrap_or_default().to_owned(),
        name: super::both(lang, &d["name"]),
        detail,
        in_stock: d["in_stock"].as_i64().unwrap_or(0),
    }
}

async fn check(api: &Api, web: &Web, id: &str, draft: &Draft) -> Reply {
    api.post_json(
        web,
        &format!("/api/visits/{id}/prescriptions/check"),
        &draft.body(&[]),
    )
    .await
}

/// Checks, then signs with the reasons typed for the warnings standing: `Ok` once signed,
/// else the refusal's status with the composer showing what was refused.
async fn sign(api: &Api, web: &Web, id: &str, composer: &mut Composer) -> Result<(), StatusCode> {
    let checked = check(api, web, id, &composer.draft).await;
    if !checked.ok() {
        composer.apply_problems(checked.problems(), &[]);
        return Err(checked.status);
    }
    composer.apply_check(&checked.body, web.lang);
    let sent = composer.overrides();
    let body = composer.draft.body(&sent);
    let reply = match composer.draft.amend.as_str() {
        "" => {
            api.post_json(web, &format!("/api/visits/{id}/prescriptions"), &body)
                .await
        }
        amend => {
            let path = format!("/api/prescriptions/{}", encoded(amend));
            let body = Some(("application/json", body.to_string()));
            api.call(web, Method::PUT, &path, body).await
        }
    };
    if reply.ok() {
        return Ok(());
    }
    composer.apply_problems(reply.problems(), &sent);
    // A warning still without a reason: its box says so.
    for f in composer.findings.iter_mut() {
        if f.warn() && f.reason.trim().is_empty() && f.problem.is_empty() {
            f.problem = t(web.lang, "rx.reason_needed").to_owned();
        }
    }
    Err(reply.status)
}

/// `POST /staff/visits/{id}/prescriptions`.
pub async fn compose(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let lang = web.lang;
    let mut composer = Composer::new(Draft::from_pairs(&pairs));
    let mut status = StatusCode::OK;
    match action(&pairs) {
        Action::Find => {
            composer.searched = !composer.draft.q.trim().is_empty();
            composer.picks = find(&api, &web, &composer.draft.q, PICKS)
                .await
                .iter()
                .map(|d| pick(d, &web))
                .collect();
        }
        Action::Add(code) => {
            let found = find(&api, &web, &code, 1).await;
            if let Some(drug) = found.iter().find(|d| d["code"] == code.as_str()) {
                composer.draft.add(drug, lang);
                composer.draft.q.clear();
            }
        }
        Action::Remove(line) => {
            if line < composer.draft.lines.len() {
                composer.draft.lines.remove(line);
            }
        }
        Action::Check => {
            let reply = check(&api, &web, &id, &composer.draft).await;
            if reply.status == StatusCode::UNAUTHORIZED {
                return web.to_login();
            }
            match reply.ok() {
                true => composer.apply_check(&reply.body, lang),
                false => {
                    status = reply.status;
                    composer.apply_problems(reply.problems(), &[]);
                }
            }
        }
        Action::Sign => match sign(&api, &web, &id, &mut composer).await {
            Ok(()) => {
                let to = format!("/staff/visits/{}?rx=signed#prescriptions", encoded(&id));
                return Redirect::to(&to).into_response();
            }
            Err(StatusCode::UNAUTHORIZED) => return web.to_login(),
            Err(refused) => {
                status = refused;
                composer
                    .problems
                    .insert(0, t(lang, "rx.not_signed").to_owned());
            }
        },
    }
    crate::records::doctor::with_composer(&api, &web, &id, composer, status).await
}

/// `POST /staff/prescriptions/{id}/cancel`: the doctor withdraws it, back to its visit.
pub async fn cancel(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api
        .call(
            &web,
            Method::POST,
            &format!("/api/prescriptions/{}/cancel", encoded(&id)),
            None,
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    match reply.body["encounter"].as_str() {
        Some(visit) if reply.ok() => Redirect::to(&format!(
            "/staff/visits/{}?rx=cancelled#prescriptions",
            encoded(visit)
        ))
        .into_response(),
        _ => crate::staff::common::refusal(&web, "rx.title", &reply, "/staff"),
    }
}
