//! The SendSms JSON body, written exactly as the official Python SDK writes it
//! (`json.dumps(params)`: ", " and ": " separators, every non-ASCII character as a `\uXXXX`
//! escape). Same bytes, same payload hash: our requests and the SDK's are interchangeable, and
//! the vectors test compares whole requests, not just signatures over bodies we were handed.

/// Appends `s` as a JSON string the way Python's `json.dumps` (ensure_ascii) does.
pub(super) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

pub(super) fn push_array<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_str(out, item);
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> String {
        let mut out = String::new();
        push_str(&mut out, s);
        out
    }

    #[test]
    fn escapes_like_python_json_dumps() {
        // Expected strings from Python 3.11 `json.dumps(...)`.
        assert_eq!(json("惠民"), r#""\u60e0\u6c11""#);
        assert_eq!(json("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(json("\n\t\u{1}\u{7f}"), r#""\n\t\u0001\u007f""#);
        assert_eq!(json("𠀋"), r#""\ud840\udc0b""#);
    }

    #[test]
    fn parses_back_to_the_same_string() {
        for s in [
            "惠民医院",
            "王\"小\"明",
            "C:\\门诊",
            "𠀋号",
            "\u{0}\u{1f}\u{7f}é",
        ] {
            let parsed: Result<String, _> = serde_json::from_str(&json(s));
            assert_eq!(parsed.ok().as_deref(), Some(s));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_written_as_ascii_json_that_reads_back(s in "\\PC*|[\\x00-\\x7f]*") {
            let out = json(&s);
            proptest::prop_assert!(out.bytes().all(|b| (0x20..0x7f).contains(&b)));
            let parsed: String = serde_json::from_str(&out).map_err(|e| {
                proptest::test_runner::TestCaseError::fail(e.to_string())
            })?;
            proptest::prop_assert_eq!(parsed, s);
        }
    }
}
