//! Calls to Huimin's API from a page handler, in process (no network hop), as the visitor.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use huimin_fhir::{Bundle, FhirResource, OperationOutcome};
use serde_json::Value;
use tower::ServiceExt;

use crate::web::Web;

/// The API router the pages call.
#[derive(Clone)]
pub struct Api {
    router: Router,
    /// The hospital's name for every page's header, as last read.
    pub hospital_name: crate::patient::NameCache,
}

/// One problem the API reported, in the visitor's language.
#[derive(Clone, Debug, Default)]
pub struct Problem {
    /// The element it is about (`phone`, `Patient.identifier`), when the API names one.
    pub field: Option<String>,
    pub text: String,
}

/// An API answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    pub fn ok(&self) -> bool {
        self.status.is_success()
    }

    /// The answer as a resource of type `T`, if it is one.
    pub fn resource<T: FhirResource>(&self) -> Option<T> {
        typed(&self.body)
    }

    /// The resources of type `T` in a search answer (a Bundle); none if it is not one.
    pub fn entries<T: FhirResource>(&self) -> Vec<T> {
        if self.body["resourceType"] != Bundle::TYPE {
            return Vec::new();
        }
        self.body["entry"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| typed(&e["resource"]))
            .collect()
    }

    /// The problems of an error answer: an OperationOutcome's issues, or an OAuth2 error.
    pub fn problems(&self) -> Vec<Problem> {
        if let Some(outcome) = self.resource::<OperationOutcome>() {
            return outcome
                .issue
                .into_iter()
                .map(|i| Problem {
                    field: i.expression.into_iter().next(),
                    text: i
                        .details
                        .and_then(|d| d.text)
                        .or(i.diagnostics)
                        .unwrap_or_default(),
                })
                .collect();
        }
        if let Some(text) = self.body["error_description"].as_str() {
            return vec![Problem {
                text: text.to_owned(),
                ..Problem::default()
            }];
        }
        vec![Problem {
            text: format!("HTTP {}", self.status.as_u16()),
            ..Problem::default()
        }]
    }

    /// The rule a refusal names (the first issue's `details.coding[0].code`, such as
    /// `move-dearer-consent`), for pages that say more than the message about what to do.
    pub fn rule_code(&self) -> Option<String> {
        let outcome = self.resource::<OperationOutcome>()?;
        let details = outcome.issue.into_iter().next()?.details?;
        details.coding.into_iter().next()?.code
    }

    /// Every problem's text in one line, for a message above a form or on a page.
    pub fn message(&self) -> String {
        self.problems()
            .into_iter()
            .map(|p| p.text)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Api {
    pub fn new(router: Router) -> Self {
        Self {
            router,
            hospital_name: crate::patient::NameCache::default(),
        }
    }

    /// Sends one request as the visitor: their token, their language, their address (so the
    /// API's per-address limits and audit see the real client).
    pub async fn call(
        &self,
        web: &Web,
        method: Method,
        path: &str,
        body: Option<(&str, String)>,
    ) -> Reply {
        self.call_with(web, method, path, body, &[]).await
    }

    /// [`Api::call`] with extra request headers.
    pub async fn call_with(
        &self,
        web: &Web,
        method: Method,
        path: &str,
        body: Option<(&str, String)>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let (content_type, body) = match body {
            Some((content_type, text)) => (Some(content_type), Body::from(text)),
            None => (None, Body::empty()),
        };
        self.send(web, method, path, content_type, body, headers)
            .await
    }

    /// Sends `bytes` (a file) as the body of a POST.
    pub async fn post_bytes(
        &self,
        web: &Web,
        path: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Reply {
        self.send(
            web,
            Method::POST,
            path,
            Some(content_type),
            Body::from(bytes),
            &[],
        )
        .await
    }

    async fn send(
        &self,
        web: &Web,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Body,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::ACCEPT_LANGUAGE, web.lang.code())
            .header(header::HOST, web.host.as_str());
        if let Some(token) = &web.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let request = request.body(body);
        let Ok(mut request) = request else {
            return Reply::failure();
        };
        if let Some(addr) = web.addr {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(addr));
        }
        for (name, value) in &web.forwarded {
            request.headers_mut().append(name.clone(), value.clone());
        }
        if let Some(agent) = &web.user_agent {
            request
                .headers_mut()
                .insert(header::USER_AGENT, agent.clone());
        }
        let Ok(response) = self.router.clone().oneshot(request).await;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 8 * 1024 * 1024)
            .await
            .unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, body }
    }

    /// A request whose answer is not JSON (a CSV export): status, headers and bytes.
    pub async fn call_raw(
        &self,
        web: &Web,
        method: Method,
        path: &str,
    ) -> (StatusCode, axum::http::HeaderMap, axum::body::Bytes) {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::ACCEPT_LANGUAGE, web.lang.code())
            .header(header::HOST, web.host.as_str());
        if let Some(token) = &web.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let Ok(mut request) = request.body(Body::empty()) else {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Default::default(),
                Default::default(),
            );
        };
        if let Some(addr) = web.addr {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(addr));
        }
        for (name, value) in &web.forwarded {
            request.headers_mut().append(name.clone(), value.clone());
        }
        let Ok(response) = self.router.clone().oneshot(request).await;
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 32 * 1024 * 1024)
            .await
            .unwrap_or_default();
        (parts.status, parts.headers, bytes)
    }

    pub async fn get(&self, web: &Web, path: &str) -> Reply {
        self.call(web, Method::GET, path, None).await
    }

    pub async fn post_json(&self, web: &Web, path: &str, body: &Value) -> Reply {
        let body = Some(("application/json", body.to_string()));
        self.call(web, Method::POST, path, body).await
    }

    pub async fn post_form(&self, web: &Web, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let encoded = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in pairs {
                form.append_pair(k, v);
            }
            form.finish()
        };
        let body = Some(("application/x-www-form-urlencoded", encoded));
        self.call(web, Method::POST, path, body).await
    }

    /// Changes an appointment's status (JSON Patch), the API's one way to cancel, check in
    /// or mark seen.
    pub async fn set_status(&self, web: &Web, appointment: &str, status: &str) -> Reply {
        self.set_status_with(web, appointment, status, &[]).await
    }

    /// [`Api::set_status`] with extra headers (a patient's on-site code at check-in).
    pub async fn set_status_with(
        &self,
        web: &Web,
        appointment: &str,
        status: &str,
        headers: &[(&str, &str)],
    ) -> Reply {
        let patch = serde_json::json!([{"op": "replace", "path": "/status", "value": status}]);
        let body = Some(("application/json-patch+json", patch.to_string()));
        let path = format!("/fhir/Appointment/{appointment}");
        self.call_with(web, Method::PATCH, &path, body, headers)
            .await
    }

    /// A FHIR operation taking references (`$hold`, `$book`, `$waitlist`).
    pub async fn operation(&self, web: &Web, path: &str, references: &[(&str, String)]) -> Reply {
        let parameter: Vec<Value> = references
            .iter()
            .map(|(name, reference)| serde_json::json!({"name": name, "valueReference": {"reference": reference}}))
            .collect();
        let body = serde_json::json!({"resourceType": "Parameters", "parameter": parameter});
        let body = Some(("application/fhir+json", body.to_string()));
        self.call(web, Method::POST, path, body).await
    }
}

/// `json` read as a `T`. JSON of another resource type is `None`; a `T` the API wrote that
/// does not parse is a fault between the two, logged by type only (the JSON may be personal).
pub(crate) fn typed<T: FhirResource>(json: &Value) -> Option<T> {
    if json["resourceType"] != T::TYPE {
        return None;
    }
    match T::deserialize(json) {
        Ok(resource) => Some(resource),
        Err(_) => {
            tracing::warn!(resource_type = T::TYPE, "API answer does not parse");
            None
        }
    }
}

impl Reply {
    fn failure() -> Self {
        Reply {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: Value::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use huimin_fhir::{Organization, Patient};
    use serde_json::json;

    use super::*;

    fn reply(status: StatusCode, body: Value) -> Reply {
        Reply { status, body }
    }

    #[test]
    fn search_answers_are_read_as_typed_resources() {
        let listed = reply(
            StatusCode::OK,
            json!({"resourceType": "Bundle", "type": "searchset", "total": 3, "entry": [
                {"fullUrl": "http://h/fhir/Organization/d-1",
                 "resource": {"resourceType": "Organization", "id": "d-1", "name": "呼吸内科"}},
                {"resource": {"resourceType": "Location", "id": "r-1"}},
                {"resource": {"resourceType": "Organization", "id": "d-2", "nmae": "typo"}}]}),
        );
        let found = listed.entries::<Organization>();
        assert_eq!(found.len(), 1, "another type and a faulty one are left out");
        assert_eq!(found[0].name.as_deref(), Some("呼吸内科"));
        assert!(listed.entries::<Patient>().is_empty());
        assert!(listed.resource::<Organization>().is_none());
        let one = reply(StatusCode::OK, serde_json::to_value(&found[0]).unwrap());
        assert_eq!(
            one.resource::<Organization>().unwrap().id.as_deref(),
            Some("d-1")
        );
    }

    #[test]
    fn problems_come_from_an_outcome_or_an_oauth_error() {
        let refused = reply(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"resourceType": "OperationOutcome", "issue": [
                {"severity": "error", "code": "value", "details": {"text": "号码有误"},
                 "diagnostics": "Wrong number", "expression": ["Patient.identifier[0].value"]},
                {"severity": "error", "code": "business-rule", "diagnostics": "Quota"}]}),
        );
        let problems = refused.problems();
        assert_eq!(
            problems[0].field.as_deref(),
            Some("Patient.identifier[0].value")
        );
        assert_eq!(problems[0].text, "号码有误");
        assert_eq!(
            (problems[1].field.as_deref(), problems[1].text.as_str()),
            (None, "Quota")
        );
        assert_eq!(refused.message(), "号码有误 Quota");
        assert_eq!(refused.rule_code(), None, "no coded rule");
        let ruled = reply(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"resourceType": "OperationOutcome", "issue": [
                {"severity": "error", "code": "business-rule", "details": {"text": "须患者同意",
                 "coding": [{"system": "urn:huimin:cs:booking-rule", "code": "move-dearer-consent"}]}}]}),
        );
        assert_eq!(ruled.rule_code().as_deref(), Some("move-dearer-consent"));
        let oauth = reply(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "密码错误"}),
        );
        assert_eq!(oauth.message(), "密码错误");
        assert_eq!(
            reply(StatusCode::BAD_GATEWAY, Value::Null).message(),
            "HTTP 502"
        );
    }
}
