//! SMS templates: a provider template id and its ordered, named parameters.
//!
//! Tencent templates take positional parameters (`{1}`, `{2}`…); naming them here lets callers
//! pass a map and lets a missing or extra variable be refused by name.
//!
//! Our rule for values (Huimin's, not Tencent's, whose limits depend on the template kind and
//! change): a value is non-empty, has no control characters (no line breaks), and is at most
//! [`MAX_VALUE_CHARS`] characters. Tencent still checks its own limits when sending.

use std::collections::{BTreeMap, HashMap};

use super::MessageError;

/// Our longest accepted value, in characters (Unicode scalar values).
pub const MAX_VALUE_CHARS: usize = 35;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    id: String,
    names: Vec<String>,
}

/// A template with its values, in the template's order: what SendSms carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    template_id: String,
    params: Vec<String>,
}

impl Rendered {
    pub fn template_id(&self) -> &str {
        &self.template_id
    }

    pub fn params(&self) -> &[String] {
        &self.params
    }
}

impl Template {
    /// `id` is the provider's numeric template id; `names` the variables in the template's
    /// order (`names[0]` fills `{1}`). Names are `[a-z0-9_]+` and unique.
    pub fn new<S: AsRef<str>>(id: &str, names: &[S]) -> Result<Self, MessageError> {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MessageError::InvalidTemplate(
                "模板 ID 必须是数字 / the template id must be digits",
            ));
        }
        let mut out: Vec<String> = Vec::with_capacity(names.len());
        for name in names {
            let name = name.as_ref();
            let valid = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(MessageError::InvalidTemplate(
                    "变量名只能含 a-z、0-9、_ / variable names are [a-z0-9_]+",
                ));
            }
            if out.iter().any(|n| n == name) {
                return Err(MessageError::InvalidTemplate(
                    "变量名重复 / duplicate variable name",
                ));
            }
            out.push(name.to_owned());
        }
        Ok(Template {
            id: id.to_owned(),
            names: out,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Fills the template from `values`; every variable exactly once, nothing else.
    pub fn render<V: Values>(&self, values: &V) -> Result<Rendered, MessageError> {
        if let Some(extra) = values.keys().find(|k| !self.names.iter().any(|n| n == k)) {
            return Err(MessageError::UnexpectedVariable(extra.to_owned()));
        }
        let mut params = Vec::with_capacity(self.names.len());
        for name in &self.names {
            let value = values
                .get(name)
                .ok_or_else(|| MessageError::MissingVariable(name.clone()))?;
            check_value(name, value)?;
            params.push(value.to_owned());
        }
        Ok(Rendered {
            template_id: self.id.clone(),
            params,
        })
    }
}

fn check_value(name: &str, value: &str) -> Result<(), MessageError> {
    let reason = if value.trim().is_empty() {
        Some("不能为空 / must not be empty")
    } else if value.chars().any(char::is_control) {
        Some("不能含换行或控制字符 / must not contain line breaks or control characters")
    } else if value.chars().count() > MAX_VALUE_CHARS {
        Some("超过 35 个字符 / longer than 35 characters")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(MessageError::InvalidVariableValue {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// A map of variable values; implemented for the std maps of `String` or `&str`.
pub trait Values {
    fn get(&self, name: &str) -> Option<&str>;
    fn keys(&self) -> impl Iterator<Item = &str>;
}

macro_rules! impl_values {
    ($map:ident, $k:ty, $v:ty) => {
        impl Values for $map<$k, $v> {
            fn get(&self, name: &str) -> Option<&str> {
                $map::get(self, name).map(|v| &**v)
            }
            fn keys(&self) -> impl Iterator<Item = &str> {
                $map::keys(self).map(|k| &**k)
            }
        }
    };
}
impl_values!(BTreeMap, String, String);
impl_values!(BTreeMap, &str, &str);
impl_values!(HashMap, String, String);
impl_values!(HashMap, &str, &str);

#[cfg(test)]
mod tests {
    use super::*;

    fn reminder() -> Template {
        Template::new("2000001", &["name", "time", "dept"]).expect("valid template")
    }

    fn values<'a>(pairs: &[(&'a str, &'a str)]) -> BTreeMap<&'a str, &'a str> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn renders_values_in_template_order() {
        let v = values(&[("dept", "内科"), ("name", "张三"), ("time", "12月8日 上午")]);
        let r = reminder().render(&v).expect("renders");
        assert_eq!(r.template_id(), "2000001");
        assert_eq!(r.params(), ["张三", "12月8日 上午", "内科"]);
    }

    #[test]
    fn a_missing_variable_is_named() {
        let v = values(&[("name", "张三"), ("dept", "内科")]);
        assert_eq!(
            reminder().render(&v),
            Err(MessageError::MissingVariable("time".into()))
        );
    }

    #[test]
    fn an_extra_variable_is_named() {
        let v = values(&[
            ("name", "张"),
            ("time", "9点"),
            ("dept", "内科"),
            ("room", "3"),
        ]);
        assert_eq!(
            reminder().render(&v),
            Err(MessageError::UnexpectedVariable("room".into()))
        );
    }

    #[test]
    fn bad_values_are_refused_with_the_variable_name() {
        let long = "字".repeat(36);
        let ok35 = "字".repeat(35);
        for (bad, refused) in [
            ("", true),
            ("  ", true),
            ("a\nb", true),
            ("a\rb", true),
            ("a\u{7}", true),
            (long.as_str(), true),
            (ok35.as_str(), false),
        ] {
            let v = values(&[("name", bad), ("time", "9点"), ("dept", "内科")]);
            let result = reminder().render(&v);
            match result {
                Err(MessageError::InvalidVariableValue { name, .. }) => {
                    assert!(refused, "{bad:?}");
                    assert_eq!(name, "name");
                }
                Ok(_) => assert!(!refused, "{bad:?} accepted"),
                Err(e) => panic!("unexpected {e}"),
            }
        }
    }

    #[test]
    fn template_definitions_are_checked() {
        assert!(Template::new("20a", &["x"]).is_err());
        assert!(Template::new("", &["x"]).is_err());
        assert!(Template::new("1", &["x", "x"]).is_err());
        assert!(Template::new("1", &["Name"]).is_err());
        assert!(Template::new::<&str>("1", &[]).is_ok());
    }
}
