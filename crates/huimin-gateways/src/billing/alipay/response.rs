//! Synchronous answers: `{"alipay_trade_query_response":{…},"sign":"…"}`. The signature covers
//! the exact characters of the `…_response` value as sent (escapes, spacing, key order), so
//! the value is cut out of the raw text, never re-serialised.

use serde_json::Value;

use super::sign::AlipayPublicKey;
use crate::billing::GatewayError;

/// Verifies an answer to `method` (e.g. `alipay.trade.query`) and returns its node. A
/// business failure (`code` other than 10000, or an `error_response`) is `GatewayRefused`
/// after the signature check, when Alipay signed it.
pub fn verify_response(
    key: &AlipayPublicKey,
    raw: &str,
    method: &str,
) -> Result<Value, GatewayError> {
    let name = format!("{}_response", method.replace('.', "_"));
    let whole: Value = serde_json::from_str(raw)?;
    let sign = whole.get("sign").and_then(Value::as_str);
    let (node_name, text) = match response_node(raw, &name)? {
        Some(text) => (name, text),
        None => match response_node(raw, "error_response")? {
            Some(text) => ("error_response".to_string(), text),
            None => return Err(GatewayError::MissingResponseNode(name)),
        },
    };
    match sign {
        Some(sign) => key.verify(text, sign)?,
        // Alipay leaves some gateway-level errors unsigned; those are refusals anyway.
        None if node_name == "error_response" => {}
        None => return Err(GatewayError::field("sign", "is missing from the response")),
    }
    let node: Value = serde_json::from_str(text)?;
    let field = |k: &str| {
        node.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    if node_name == "error_response" || field("code") != "10000" {
        return Err(GatewayError::GatewayRefused {
            code: field("code"),
            msg: field("msg"),
            sub_code: field("sub_code"),
            sub_msg: field("sub_msg"),
        });
    }
    Ok(node)
}

/// The raw text of the top-level member `name` of a JSON object, or None if absent.
pub fn response_node<'a>(raw: &'a str, name: &str) -> Result<Option<&'a str>, GatewayError> {
    let b = raw.as_bytes();
    let bad = |why: &str| GatewayError::Json(format!("response: {why}"));
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return Err(bad("not a JSON object"));
    }
    i = skip_ws(b, i + 1);
    while i < b.len() && b[i] != b'}' {
        let key_end = skip_string(b, i).ok_or_else(|| bad("bad member name"))?;
        let key: String = serde_json::from_str(&raw[i..key_end])?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return Err(bad("expected ':'"));
        }
        let start = skip_ws(b, i + 1);
        let end = skip_value(b, start).ok_or_else(|| bad("bad value"))?;
        if key == name {
            return Ok(Some(&raw[start..end]));
        }
        i = skip_ws(b, end);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
    }
    Ok(None)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

// End (exclusive) of the string starting at b[i] == '"'.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

// End (exclusive) of the value starting at b[i]: strings and nesting tracked, so braces
// inside strings do not count.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace()
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_the_exact_node_text_with_braces_inside_strings() {
        let raw = r#" { "a_response" : {"x":"}{\"","y":[1,{"z":null}]} , "sign":"abc"}"#;
        assert_eq!(
            response_node(raw, "a_response").unwrap(),
            Some(r#"{"x":"}{\"","y":[1,{"z":null}]}"#)
        );
        assert_eq!(response_node(raw, "sign").unwrap(), Some(r#""abc""#));
        assert_eq!(response_node(raw, "missing").unwrap(), None);
    }

    #[test]
    fn refuses_broken_text_without_panicking() {
        for raw in [
            "",
            "[]",
            "{\"a\"",
            "{\"a\":",
            "{\"a\":{",
            "{\"a\":\"x",
            "{\"a\":}}",
            "{\"a\":1,\"b\"}",
        ] {
            assert!(
                response_node(raw, "b").is_err() || response_node(raw, "b").unwrap().is_none(),
                "{raw}"
            );
        }
    }
}
