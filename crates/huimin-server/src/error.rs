//! The one application error. FHIR routes answer with an `OperationOutcome`, the OAuth2 token
//! endpoint with the OAuth2 error JSON; both are localised by the caller's language.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::{Lang, Text};
use serde_json::{Value, json};

use crate::fhir::FHIR_JSON;

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

/// A JSON request body as `T`, or a localised 400 saying what is wrong with it.
pub fn json_body<T: serde::de::DeserializeOwned>(bytes: &[u8], lang: Lang) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(Text::new(
            format!("请求体 JSON 无效：{e}"),
            format!("The JSON body is invalid: {e}"),
        ))
        .lang(lang)
    })
}

#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub issues: Vec<Issue>,
    pub lang: Lang,
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
            lang: Lang::default(),
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
            lang: Lang::default(),
            retry_after: None,
        }
    }

    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
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

    pub fn operation_outcome(&self) -> Value {
        let other = match self.lang {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        };
        let issues: Vec<Value> = self
            .issues
            .iter()
            .map(|issue| {
                let mut value = json!({
                    "severity": "error",
                    "code": issue.code,
                    "details": { "text": issue.text.get(self.lang) },
                    "diagnostics": issue.text.get(other),
                });
                if let Some(rule) = issue.rule {
                    value["details"]["coding"] =
                        json!([{"system": "urn:huimin:cs:booking-rule", "code": rule}]);
                }
                if let Some(expression) = &issue.expression {
                    value["expression"] = json!([expression]);
                }
                value
            })
            .collect();
        json!({ "resourceType": "OperationOutcome", "issue": issues })
    }
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
            other => {
                tracing::error!(error = %other, "storage failure");
                Self::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.operation_outcome().to_string();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"huimin\""),
            );
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
