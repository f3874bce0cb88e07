//! The one application error, and where error texts meet the caller's language.
//!
//! An error carries its texts in both languages ([`Text`]) and never a language: handlers and
//! the helpers deep below them build errors without knowing who asked. The answer is written
//! in the caller's language once, by the `localise` layer (see `localise.rs`). FHIR routes
//! answer with an `OperationOutcome`, the OAuth2 token endpoint with the OAuth2 error JSON.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::{Lang, Text};

use crate::localise::localised;

/// The FHIR JSON media type: every FHIR answer, and every `OperationOutcome`, carries it.
pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

/// One problem with the request, pointing at the element or field at fault.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    /// FHIR issue-type code: invalid, structure, required, value, business-rule, conflict, …
    pub code: &'static str,
    pub text: Text,
    pub expression: Option<String>,
    /// A stable machine-readable code of the rule that refused the request (booking rules),
    /// rendered as `details.coding` with system `urn:huimin:cs:booking-rule`.
    pub rule: Option<&'static str>,
}

impl Issue {
    /// A value that is not acceptable, at `expression` (a field or element) when there is one.
    pub fn value(expression: Option<&str>, text: Text) -> Self {
        Issue {
            code: "value",
            text,
            expression: expression.map(str::to_owned),
            rule: None,
        }
    }
}

/// A JSON request body as `T`, or a 400 saying what is wrong with it.
pub fn json_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(Text::new(
            format!("请求体 JSON 无效：{e}"),
            format!("The JSON body is invalid: {e}"),
        ))
    })
}

/// Seconds a client waits after a 503 for an unavailable database (a restart or fail-over of
/// PostgreSQL takes seconds).
pub const RETRY_AFTER_UNAVAILABLE: u64 = 5;

#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub issues: Vec<Issue>,
    /// Seconds, for 429 and 503.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, text: Text) -> Self {
        Self {
            status,
            issues: vec![Issue {
                code,
                text,
                expression: None,
                rule: None,
            }],
            retry_after: None,
        }
    }

    pub fn at(mut self, expression: impl Into<String>) -> Self {
        if let Some(issue) = self.issues.first_mut() {
            issue.expression = Some(expression.into());
        }
        self
    }

    pub fn with_issues(status: StatusCode, issues: Vec<Issue>) -> Self {
        Self {
            status,
            issues,
            retry_after: None,
        }
    }

    pub fn bad_request(text: Text) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid", text)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "login",
            Text::new(
                "需要登录：请提供有效的访问令牌",
                "Authentication required: send a valid bearer token",
            ),
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Text::new(
                "您的角色无权执行此操作",
                "Your role is not allowed to do this",
            ),
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            Text::new(format!("未找到 {what}"), format!("{what} was not found")),
        )
    }

    pub fn unprocessable(text: Text) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "business-rule", text)
    }

    pub fn conflict(text: Text) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", text)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "exception",
            Text::new(
                "服务器内部错误，请稍后再试",
                "Internal server error; please try again later",
            ),
        )
    }

    /// A server-side failure answered with `status` (502, 503, …) without internals.
    pub fn internal_with_status(status: StatusCode) -> Self {
        Self {
            status,
            ..Self::internal()
        }
    }

    /// 503: the database cannot be reached for now; try again after `Retry-After` seconds.
    pub fn unavailable() -> Self {
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "transient",
            Text::new(
                "服务暂时不可用（数据库无法连接），请稍后再试",
                "The service is unavailable for a moment (the database cannot be reached); please try again shortly",
            ),
        );
        error.retry_after = Some(RETRY_AFTER_UNAVAILABLE);
        error
    }

    /// The `OperationOutcome` as borrowed, typed parts: every refused booking attempt of a
    /// rush is answered with one, so it is written straight to bytes, not built as a `Value`
    /// tree first (that took about a tenth of the server's CPU in a flash crowd).
    /// The OperationOutcome as JSON, for an answer that carries it inside another (a batch
    /// entry's `response.outcome`).
    pub fn outcome_value(&self, lang: Lang) -> serde_json::Value {
        serde_json::to_value(self.outcome(lang)).unwrap_or_default()
    }

    fn outcome(&self, lang: Lang) -> OutcomeBody<'_> {
        let other = match lang {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        };
        OutcomeBody {
            resource_type: "OperationOutcome",
            issue: self
                .issues
                .iter()
                .map(|issue| IssueBody {
                    severity: "error",
                    code: issue.code,
                    details: DetailsBody {
                        text: issue.text.get(lang),
                        coding: issue.rule.map(|code| {
                            [CodingBody {
                                system: huimin_fhir::names::BOOKING_RULE_SYSTEM,
                                code,
                            }]
                        }),
                    },
                    diagnostics: issue.text.get(other),
                    expression: issue.expression.as_deref().map(|e| [e]),
                })
                .collect(),
        }
    }
}

#[derive(serde::Serialize)]
struct OutcomeBody<'a> {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    issue: Vec<IssueBody<'a>>,
}

#[derive(serde::Serialize)]
struct IssueBody<'a> {
    severity: &'static str,
    code: &'static str,
    details: DetailsBody<'a>,
    diagnostics: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression: Option<[&'a str; 1]>,
}

#[derive(serde::Serialize)]
struct DetailsBody<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    coding: Option<[CodingBody; 1]>,
}

#[derive(serde::Serialize)]
struct CodingBody {
    system: &'static str,
    code: &'static str,
}

/// Server faults are logged with their cause and shown without internals.
impl From<huimin_store::StoreError> for ApiError {
    fn from(err: huimin_store::StoreError) -> Self {
        use huimin_store::StoreError as E;
        match err {
            E::NotFound => Self::not_found("record"),
            E::VersionConflict { current } => Self::new(
                StatusCode::PRECONDITION_FAILED,
                "conflict",
                Text::new(
                    format!("版本冲突：记录已被他人修改，当前版本为 {current}"),
                    format!(
                        "Version conflict: the record was changed; the current version is {current}"
                    ),
                ),
            ),
            E::Duplicate { system, .. } => Self::conflict(Text::new(
                "已存在使用相同证件号码的记录",
                "A record with the same identifier already exists",
            ))
            .at(format!("identifier.where(system='{system}')")),
            E::UsernameTaken => Self::conflict(Text::new(
                "该手机号已注册",
                "This phone number is already registered",
            ))
            .at("phone"),
            other if other.is_unavailable() => {
                tracing::error!(error = %other, "database unavailable");
                Self::unavailable()
            }
            other => {
                tracing::error!(error = %other, "storage failure");
                Self::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let retry_after = self.retry_after;
        // Plain structs of strings always serialize; an empty body would be a bug, not a crash.
        let mut response = localised(status, move |lang| {
            serde_json::to_vec(&self.outcome(lang)).unwrap_or_default()
        });
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"huimin\""),
            );
        }
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::localise::localise;
    use axum::extract::Request;
    use serde_json::{Value, json};

    /// The answer to a request asking for `lang` (by `?lang=`) whose handler fails with `error`,
    /// through the [`localise`] layer as every route is.
    async fn answer(error: ApiError, lang: Lang) -> Response {
        use tower::ServiceExt;
        let app = axum::Router::new()
            .fallback(move || async move { error.clone() })
            .layer(axum::middleware::from_fn(localise));
        let uri = format!("/?lang={}", lang.code());
        app.oneshot(Request::get(uri).body(axum::body::Body::empty()).unwrap())
            .await
            .expect("infallible")
    }

    async fn body_of(error: ApiError, lang: Lang) -> (StatusCode, Value) {
        let response = answer(error, lang).await;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).expect("JSON body"))
    }

    #[tokio::test]
    async fn a_booking_rule_refusal_names_its_rule_in_both_languages() {
        let mut error =
            ApiError::unprocessable(Text::new("超出每周预约上限", "Weekly quota reached"))
                .at("Appointment.participant");
        error.issues[0].rule = Some("quota-week");
        let (status, body) = body_of(error.clone(), Lang::En).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body,
            json!({"resourceType": "OperationOutcome", "issue": [{
                "severity": "error",
                "code": "business-rule",
                "details": {
                    "text": "Weekly quota reached",
                    "coding": [{"system": "urn:huimin:cs:booking-rule", "code": "quota-week"}],
                },
                "diagnostics": "超出每周预约上限",
                "expression": ["Appointment.participant"],
            }]})
        );
        assert_eq!(serde_json::to_value(error.outcome(Lang::En)).unwrap(), body);
    }

    #[tokio::test]
    async fn an_issue_without_rule_or_element_leaves_both_out() {
        let (status, body) = body_of(
            ApiError::conflict(Text::new("号源已满", "The slot is full")),
            Lang::Zh,
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(
            body,
            json!({"resourceType": "OperationOutcome", "issue": [{
                "severity": "error",
                "code": "conflict",
                "details": {"text": "号源已满"},
                "diagnostics": "The slot is full",
            }]})
        );
        // Keys keep the order FHIR examples use, as the Value form did.
        let text =
            serde_json::to_string(&ApiError::conflict(Text::new("a", "b")).outcome(Lang::Zh))
                .expect("serializes");
        assert!(text.starts_with(r#"{"resourceType":"OperationOutcome","issue":[{"severity""#));
    }

    #[tokio::test]
    async fn the_layer_rewrites_only_the_body_and_the_default_needs_no_layer() {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            Text::new("请求过于频繁", "Too many requests"),
        );
        error.retry_after = Some(7);
        let response = answer(error.clone(), Lang::En).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        assert_eq!(response.headers()[header::CONTENT_TYPE], FHIR_JSON);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["issue"][0]["details"]["text"], "Too many requests");
        // Outside the layer the answer is complete, in the default language.
        let bytes = axum::body::to_bytes(error.into_response().into_body(), 1 << 20)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["issue"][0]["details"]["text"], "请求过于频繁");
    }
}
