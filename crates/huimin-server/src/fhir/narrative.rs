//! Narratives (`text`, status `generated`): the key facts of each resource read, in Chinese,
//! so a generic FHIR viewer shows something readable. Generated on the way out of every `GET`
//! under `/fhir` from the body the caller receives (so from the view the caller may see,
//! masked where the caller's role masks), never stored: a client sending one back has it
//! dropped on write (`strip_generated`).
//!
//! The text goes into the body as written, not through a re-serialised `serde_json::Value`:
//! results carry decimals digit for digit (`6.80`), which a round trip would change. A small
//! scanner finds where each resource object opens (the body's, or each `Bundle.entry[i]
//! .resource`) and the narrative is inserted there.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

/// Types that are not DomainResources (no `text`), and error answers.
const WITHOUT_TEXT: [&str; 4] = ["Bundle", "Parameters", "Binary", "OperationOutcome"];

/// The largest body given narratives (a search page of 50 resources is far below).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Adds narratives to `GET /fhir…` answers that lack them: reads, version reads and searches.
/// Operations (`$find`, `$everything`…) answer with what they compute and are left as they are:
/// `$find` is the booking rush's hot path.
pub async fn add_to_reads(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let wanted = request.method() == Method::GET
        && request.uri().path().starts_with("/fhir")
        && !request.uri().path().contains("/$")
        && wants_text(request.uri().query().unwrap_or(""));
    let response = next.run(request).await;
    let is_fhir = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/fhir+json"));
    if !wanted || response.status() != StatusCode::OK || !is_fhir {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let out = match std::str::from_utf8(&bytes) {
        Ok(text) => with_narratives(text).unwrap_or_else(|| text.to_owned()),
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// `_summary` other than `false`/`text` and `_elements` ask for less than the whole resource.
fn wants_text(query: &str) -> bool {
    url::form_urlencoded::parse(query.as_bytes()).all(|(k, v)| match k.as_ref() {
        "_summary" => v == "false" || v == "text",
        "_elements" => false,
        _ => true,
    })
}

/// The body with a narrative in every resource that lacks one; `None` when nothing changes.
pub fn with_narratives(body: &str) -> Option<String> {
    let parsed: Value = serde_json::from_str(body).ok()?;
    let mut inserts: Vec<(usize, String)> = Vec::new();
    if parsed["resourceType"] == "Bundle" {
        let entries = parsed["entry"].as_array()?;
        for (entry, open) in entry_resource_openings(body) {
            if let Some(text) = entries
                .get(entry)
                .and_then(|e| narrative_json(&e["resource"]))
            {
                inserts.push((open, text));
            }
        }
    } else if let Some(text) = narrative_json(&parsed) {
        inserts.push((body.find('{')? + 1, text));
    }
    if inserts.is_empty() {
        return None;
    }
    let mut out = body.to_owned();
    for (at, text) in inserts.into_iter().rev() {
        out.insert_str(at, &format!("\"text\":{text},"));
    }
    Some(out)
}

/// The `text` element for `resource`, as JSON, when it should get one.
fn narrative_json(resource: &Value) -> Option<String> {
    let kind = resource["resourceType"].as_str()?;
    if WITHOUT_TEXT.contains(&kind) || resource.get("text").is_some() {
        return None;
    }
    let facts = facts(kind, resource);
    let mut div = String::from("<div xmlns=\"http://www.w3.org/1999/xhtml\">");
    for (label, value) in facts.iter().filter(|(_, v)| !v.is_empty()) {
        div.push_str(&format!(
            "<p><b>{}</b>：{}</p>",
            escape(label),
            escape(value)
        ));
    }
    div.push_str("</div>");
    Some(serde_json::json!({"status": "generated", "div": div}).to_string())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn name_of(v: &Value) -> String {
    let name = &v["name"][0];
    name["text"].as_str().map_or_else(
        || {
            let given: Vec<&str> = name["given"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            format!("{}{}", s(&name["family"]), given.join(""))
        },
        str::to_owned,
    )
}

fn concept(v: &Value) -> String {
    v["text"]
        .as_str()
        .or_else(|| v["coding"][0]["display"].as_str())
        .or_else(|| v["coding"][0]["code"].as_str())
        .unwrap_or_default()
        .to_owned()
}

fn period(start: &Value, end: &Value) -> String {
    match (start.as_str(), end.as_str()) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        (Some(a), None) => a.to_owned(),
        _ => String::new(),
    }
}

fn displays(list: &Value, field: &str) -> String {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            p[field]["display"]
                .as_str()
                .or(p[field]["reference"].as_str())
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn gender(v: &Value) -> String {
    match v.as_str() {
        Some("male") => "男",
        Some("female") => "女",
        Some("other") => "其他",
        Some("unknown") => "未知",
        _ => "",
    }
    .to_owned()
}

fn quantity(v: &Value) -> String {
    if let Some(q) = v.get("valueQuantity") {
        let value = q["value"].to_string();
        let unit = q["unit"]
            .as_str()
            .or(q["code"].as_str())
            .unwrap_or_default();
        return format!("{value} {unit}").trim().to_owned();
    }
    v["valueString"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| v.get("valueCodeableConcept").map(concept))
        .unwrap_or_default()
}

/// The key facts of a resource, labelled in Chinese, in reading order.
fn facts(kind: &str, r: &Value) -> Vec<(&'static str, String)> {
    let status = || ("状态", s(&r["status"]));
    match kind {
        "Patient" => vec![
            ("患者", name_of(r)),
            ("性别", gender(&r["gender"])),
            ("出生日期", s(&r["birthDate"])),
        ],
        "Practitioner" => vec![
            ("医生", name_of(r)),
            ("性别", gender(&r["gender"])),
            ("资质", concept(&r["qualification"][0]["code"])),
        ],
        "PractitionerRole" => vec![
            ("医生", s(&r["practitioner"]["display"])),
            ("科室", s(&r["organization"]["display"])),
            ("专业", concept(&r["specialty"][0])),
            ("职称", concept(&r["code"][0])),
        ],
        "Organization" => vec![("机构", s(&r["name"])), ("类型", concept(&r["type"][0]))],
        "Location" => vec![("地点", s(&r["name"])), status()],
        "HealthcareService" => vec![("服务", s(&r["name"]))],
        "Schedule" => vec![
            ("出诊者", {
                let actors: Vec<&str> = r["actor"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a["display"].as_str().or(a["reference"].as_str()))
                    .collect();
                actors.join("、")
            }),
            (
                "时段",
                period(&r["planningHorizon"]["start"], &r["planningHorizon"]["end"]),
            ),
            ("备注", s(&r["comment"])),
        ],
        "Slot" => vec![
            ("号源时段", period(&r["start"], &r["end"])),
            (
                "状态",
                match r["status"].as_str() {
                    Some("free") => "可预约".to_owned(),
                    Some("busy") => "已约".to_owned(),
                    Some("busy-unavailable") => "停诊".to_owned(),
                    Some("busy-tentative") => "锁定中".to_owned(),
                    _ => s(&r["status"]),
                },
            ),
            ("服务", concept(&r["serviceType"][0])),
        ],
        "Appointment" => vec![
            ("预约时段", period(&r["start"], &r["end"])),
            (
                "状态",
                match r["status"].as_str() {
                    Some("pending") => "待支付".to_owned(),
                    Some("booked") => "已预约".to_owned(),
                    Some("arrived" | "checked-in") => "已签到".to_owned(),
                    Some("fulfilled") => "已就诊".to_owned(),
                    Some("cancelled") => "已取消".to_owned(),
                    Some("noshow") => "爽约".to_owned(),
                    Some("waitlist") => "候补".to_owned(),
                    _ => s(&r["status"]),
                },
            ),
            ("参与者", displays(&r["participant"], "actor")),
        ],
        "Encounter" => vec![
            ("就诊", period(&r["period"]["start"], &r["period"]["end"])),
            status(),
            ("患者", s(&r["subject"]["display"])),
            ("科室", s(&r["serviceProvider"]["display"])),
        ],
        "ServiceRequest" => vec![
            ("检查检验项目", concept(&r["code"])),
            status(),
            ("开单时间", s(&r["authoredOn"])),
        ],
        "Observation" => vec![
            ("项目", concept(&r["code"])),
            ("结果", quantity(r)),
            ("判读", concept(&r["interpretation"][0])),
            ("时间", s(&r["effectiveDateTime"])),
        ],
        "DiagnosticReport" => vec![
            ("报告", concept(&r["code"])),
            status(),
            ("发布时间", s(&r["issued"])),
            ("结论", s(&r["conclusion"])),
        ],
        "Condition" => vec![
            ("诊断", concept(&r["code"])),
            ("临床状态", concept(&r["clinicalStatus"])),
            ("确认状态", concept(&r["verificationStatus"])),
        ],
        "AllergyIntolerance" => vec![
            ("过敏原", concept(&r["code"])),
            ("反应", concept(&r["reaction"][0]["manifestation"][0])),
            ("严重程度", s(&r["reaction"][0]["severity"])),
        ],
        "Composition" => vec![("文书", s(&r["title"])), status(), ("日期", s(&r["date"]))],
        _ => vec![
            (
                "资源",
                format!("{} {}", kind, r["id"].as_str().unwrap_or_default()),
            ),
            status(),
        ],
    }
}

/// For each `entry[i].resource` of a Bundle body: `i` and the byte offset just after the
/// resource's `{`. Strings (with escapes) are skipped whole, so braces inside them count for
/// nothing.
fn entry_resource_openings(body: &str) -> Vec<(usize, usize)> {
    #[derive(Debug)]
    struct Frame {
        object: bool,
        key: Option<String>,
        index: usize,
    }
    let bytes = body.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut out = Vec::new();
    let mut expecting_key = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if expecting_key && let Some(top) = stack.last_mut() {
                    top.key = Some(body[start..i.min(body.len())].to_owned());
                    expecting_key = false;
                }
            }
            b'{' => {
                // `{ "entry": [ { "resource": {` — the root, the entry list, an entry.
                if let [root, list, entry] = stack.as_slice()
                    && root.object
                    && root.key.as_deref() == Some("entry")
                    && !list.object
                    && entry.object
                    && entry.key.as_deref() == Some("resource")
                {
                    out.push((list.index, i + 1));
                }
                stack.push(Frame {
                    object: true,
                    key: None,
                    index: 0,
                });
                expecting_key = true;
            }
            b'[' => stack.push(Frame {
                object: false,
                key: None,
                index: 0,
            }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(top) if top.object => expecting_key = true,
                Some(top) => top.index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    out
}

/// Drops a narrative the server generated from a resource sent to it: narratives are made
/// on the way out from what is stored, never stored themselves.
pub fn strip_generated(resource: &mut Value) {
    if resource["text"]["status"] == "generated"
        && let Some(object) = resource.as_object_mut()
    {
        object.remove("text");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_gets_its_facts_in_chinese_and_keeps_its_digits() {
        let body = r#"{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"钾"},"valueQuantity":{"value":6.80,"unit":"mmol/L"}}"#;
        let out = with_narratives(body).unwrap();
        assert!(out.contains(r#""value":6.80"#), "{out}");
        let v: Value = serde_json::from_str(&out).unwrap();
        let div = v["text"]["div"].as_str().unwrap();
        assert!(div.starts_with("<div xmlns=\"http://www.w3.org/1999/xhtml\">"));
        assert!(div.contains("<b>项目</b>：钾"), "{div}");
        assert!(div.contains("6.8 mmol/L"), "{div}");
        assert_eq!(v["text"]["status"], "generated");
    }

    #[test]
    fn every_entry_of_a_bundle_gets_one_and_strings_with_braces_do_not_confuse() {
        let body = r#"{"resourceType":"Bundle","type":"searchset","entry":[{"fullUrl":"x{","resource":{"resourceType":"Patient","id":"p","name":[{"text":"王\"{小}明"}],"gender":"male"}},{"response":{"status":"200"}},{"resource":{"resourceType":"Organization","id":"o","name":"心内科 <一病区> & 门诊"}}]}"#;
        let out = with_narratives(body).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        let patient = v["entry"][0]["resource"]["text"]["div"].as_str().unwrap();
        assert!(
            patient.contains("王\"{小}明") && patient.contains("男"),
            "{patient}"
        );
        assert!(v["entry"][1].get("resource").is_none());
        let org = v["entry"][2]["resource"]["text"]["div"].as_str().unwrap();
        assert!(org.contains("&lt;一病区&gt; &amp; 门诊"), "{org}");
        assert!(v.get("text").is_none(), "a Bundle has no narrative");
    }

    #[test]
    fn resources_with_a_narrative_and_error_answers_are_left_alone() {
        let with = r#"{"resourceType":"Composition","text":{"status":"additional","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},"status":"final"}"#;
        assert_eq!(with_narratives(with), None);
        let outcome = r#"{"resourceType":"OperationOutcome","issue":[]}"#;
        assert_eq!(with_narratives(outcome), None);
        assert_eq!(with_narratives("not json"), None);
    }

    #[test]
    fn summaries_and_element_lists_get_none() {
        assert!(wants_text(""));
        assert!(wants_text("name=王&_count=5"));
        assert!(wants_text("_summary=false"));
        assert!(!wants_text("_summary=true"));
        assert!(!wants_text("_summary=count"));
        assert!(!wants_text("_elements=id,name"));
    }

    #[test]
    fn a_generated_narrative_sent_back_is_dropped() {
        let mut r = serde_json::json!({"resourceType": "Organization",
            "text": {"status": "generated", "div": "<div/>"}, "name": "x"});
        strip_generated(&mut r);
        assert!(r.get("text").is_none());
        let mut own = serde_json::json!({"resourceType": "Organization",
            "text": {"status": "additional", "div": "<div/>"}});
        strip_generated(&mut own);
        assert!(own.get("text").is_some());
    }
}
