//! The price list (价格目录) for administrators: the items by category with a search, and the
//! import of a new list, pasted or chosen as a CSV file. The API checks the file and answers
//! each bad line in the visitor's language; this page shows those answers.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

use crate::api::Api;
use crate::chrome::Chrome;
use crate::i18n::{pick, t};
use crate::patient::forms::render;
use crate::web::{SignedIn, Web, encoded};

/// The API's categories, in its order, with their page texts.
const CATEGORIES: [&str; 7] = [
    "registration",
    "material",
    "exam",
    "lab",
    "treatment",
    "drug",
    "other",
];

pub struct Item {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// `¥15.00`.
    pub price: String,
    /// The registration class it prices, in the page's language; empty for most items.
    pub class: String,
}

/// The items of one category.
pub struct Group {
    pub label: &'static str,
    pub items: Vec<Item>,
}

pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin_prices.html")]
struct PricesPage {
    c: Chrome,
    groups: Vec<Group>,
    total: usize,
    categories: Vec<Choice>,
    q: String,
    filtered: bool,
    /// What the list could not be read for (not signed in as staff), else empty.
    list_problem: String,
    notice: String,
    problems: Vec<String>,
    csv: String,
}

#[derive(Deserialize, Default)]
pub struct Search {
    #[serde(default)]
    category: String,
    #[serde(default)]
    q: String,
    imported: Option<usize>,
}

fn item(web: &Web, json: &Value) -> Item {
    let text = |v: &Value| {
        pick(
            web.lang,
            v["zh"].as_str().unwrap_or_default(),
            v["en"].as_str().unwrap_or_default(),
        )
        .to_owned()
    };
    let class = json["registration_class"].as_str().map(|code| {
        huimin_domain::directory::RegistrationClass::from_code(code)
            .map(|c| c.label().get(web.lang).to_owned())
            .unwrap_or_else(|| code.to_owned())
    });
    Item {
        code: json["code"].as_str().unwrap_or_default().to_owned(),
        name: text(&json["name"]),
        unit: text(&json["unit"]),
        price: crate::fmt::fen(json["price_fen"].as_i64().unwrap_or_default()),
        class: class.unwrap_or_default(),
    }
}

async fn page(
    api: &Api,
    web: &Web,
    search: Search,
    (problems, csv): (Vec<String>, String),
    status: StatusCode,
) -> Response {
    let category = CATEGORIES
        .into_iter()
        .find(|c| *c == search.category)
        .unwrap_or_default();
    let path = format!(
        "/api/price-list?category={category}&q={}",
        encoded(search.q.trim())
    );
    let reply = api.get(web, &path).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let list_problem = if reply.ok() {
        String::new()
    } else {
        reply.message()
    };
    let items = reply.body["items"].as_array().cloned().unwrap_or_default();
    let groups = CATEGORIES
        .into_iter()
        .map(|code| Group {
            label: t(web.lang, &format!("admin.prices.category.{code}")),
            items: items
                .iter()
                .filter(|i| i["category"] == code)
                .map(|i| item(web, i))
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect();
    let notice = search.imported.map_or(String::new(), |n| {
        t(web.lang, "admin.prices.imported").replace("{n}", &n.to_string())
    });
    render(
        status,
        &PricesPage {
            c: web.chrome(t(web.lang, "admin.prices")),
            groups,
            total: items.len(),
            categories: CATEGORIES
                .into_iter()
                .map(|code| Choice {
                    code,
                    label: t(web.lang, &format!("admin.prices.category.{code}")),
                    selected: code == category,
                })
                .collect(),
            filtered: !category.is_empty() || !search.q.trim().is_empty(),
            q: search.q,
            list_problem,
            notice,
            problems,
            csv,
        },
    )
}

/// `GET /admin/prices[?category=…][&q=…]`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(search): Query<Search>,
) -> Response {
    page(&api, &web, search, Default::default(), StatusCode::OK).await
}

/// The file to import: the chosen file if there is one, else the pasted text.
async fn submitted(mut form: Multipart) -> Result<String, &'static str> {
    let (mut pasted, mut file) = (String::new(), Vec::new());
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("csv") => pasted = field.text().await.map_err(|_| "admin.prices.unreadable")?,
            Some("file") => {
                file = field
                    .bytes()
                    .await
                    .map_err(|_| "admin.prices.unreadable")?
                    .to_vec()
            }
            _ => {}
        }
    }
    if file.is_empty() {
        return Ok(pasted);
    }
    String::from_utf8(file).map_err(|_| "admin.prices.not_utf8")
}

/// `POST /admin/prices` (multipart: `csv` pasted, `file` chosen): replaces the list through
/// the API; a refused file comes back with its lines' problems and the text to correct.
pub async fn import(State(api): State<Api>, SignedIn(web): SignedIn, form: Multipart) -> Response {
    let refused = |problems: Vec<String>, csv: String| {
        let (api, web) = (api.clone(), web.clone());
        async move {
            let search = Search::default();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(&api, &web, search, (problems, csv), status).await
        }
    };
    let csv = match submitted(form).await {
        Ok(csv) if csv.trim().is_empty() => {
            return refused(vec![t(web.lang, "admin.prices.nothing").to_owned()], csv).await;
        }
        Ok(csv) => csv,
        Err(key) => return refused(vec![t(web.lang, key).to_owned()], String::new()).await,
    };
    let body = Some(("text/csv; charset=utf-8", csv.clone()));
    let reply = api
        .call(&web, Method::PUT, "/api/admin/price-list", body)
        .await;
    match reply.status {
        StatusCode::UNAUTHORIZED => web.to_login(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            refused(
                vec![t(web.lang, "admin.prices.too_large").to_owned()],
                String::new(),
            )
            .await
        }
        status if status.is_success() => {
            let n = reply.body["imported"].as_u64().unwrap_or_default();
            Redirect::to(&format!("/admin/prices?imported={n}")).into_response()
        }
        _ => {
            let problems = reply.problems().into_iter().map(|p| p.text).collect();
            refused(problems, csv).await
        }
    }
}
