//! Rules a derive cannot state: a choice element (`medication[x]`) takes at most one of its
//! typed forms, exactly one when it is required, and a few R4 invariants tie sibling elements
//! together (a Timing's `period` needs its `periodUnit`). They are checked while deserializing,
//! like primitive formats, so a broken rule is refused with the path of its element
//! (`MedicationRequest.medication`), and a value read from JSON never breaks one.

use std::fmt;

/// Implements `Serialize` and `Deserialize` for a struct deriving them with
/// `#[serde(remote = "Self")]` (which makes them inherent functions), checking the struct's
/// `fn rules(&self) -> Result<(), Broken>` after deserializing it. The derive's inherent
/// `Type::deserialize` skips the rules: read through the trait (serde_json, `parse_resource`).
macro_rules! checked_serde {
    ($ty:ident) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $ty::serialize(self, s)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = $ty::deserialize(d)?;
                value.rules().map_err(serde::de::Error::custom)?;
                Ok(value)
            }
        }
    };
}

/// A broken rule: `element` is the element at fault inside the struct checked (`dose[x]`,
/// `periodUnit`). Written "`element`: message", the form [`crate::parse`] recognises to add the
/// element to the error's path.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Broken {
    pub element: &'static str,
    pub message: String,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.element, self.message)
    }
}

/// The element named in a broken rule's message, if the message is one
/// (`` `dose[x]`: … `` → `dose[x]`).
pub(crate) fn broken_element(message: &str) -> Option<&str> {
    let (element, _) = message.strip_prefix('`')?.split_once("`: ")?;
    Some(element)
}

/// The choice `element` (`dose[x]`) among its `forms` (JSON name, given?): at most one given,
/// and exactly one if `required`.
pub(crate) fn choice(
    element: &'static str,
    forms: &[(&str, bool)],
    required: bool,
) -> Result<(), Broken> {
    let given: Vec<&str> = forms.iter().filter(|f| f.1).map(|f| f.0).collect();
    let names = || forms.iter().map(|f| f.0).collect::<Vec<_>>().join(", ");
    let message = match given.len() {
        0 if required => format!("one of {} is required", names()),
        0 | 1 => return Ok(()),
        _ => format!(
            "only one of {} may be given, not {}",
            names(),
            given.join(" and ")
        ),
    };
    Err(Broken { element, message })
}

/// `holds`, or else the rule broken at `element`.
pub(crate) fn rule(holds: bool, element: &'static str, message: &str) -> Result<(), Broken> {
    if holds {
        Ok(())
    } else {
        Err(Broken {
            element,
            message: message.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_takes_at_most_one_form_and_one_when_required() {
        let forms = |a, b| [("doseRange", a), ("doseQuantity", b)];
        assert!(choice("dose[x]", &forms(false, false), false).is_ok());
        assert!(choice("dose[x]", &forms(false, true), true).is_ok());
        let none = choice("dose[x]", &forms(false, false), true).unwrap_err();
        assert_eq!(
            none.to_string(),
            "`dose[x]`: one of doseRange, doseQuantity is required"
        );
        let both = choice("dose[x]", &forms(true, true), false).unwrap_err();
        assert_eq!(
            both.to_string(),
            "`dose[x]`: only one of doseRange, doseQuantity may be given, not doseRange and doseQuantity"
        );
        assert_eq!(broken_element(&both.to_string()), Some("dose[x]"));
    }

    #[test]
    fn only_a_broken_rule_names_an_element() {
        assert_eq!(broken_element("missing field `subject`"), None);
        assert_eq!(broken_element("`x` without the colon"), None);
        assert_eq!(
            broken_element(
                &rule(false, "periodUnit", "is required")
                    .unwrap_err()
                    .to_string()
            ),
            Some("periodUnit")
        );
        assert!(rule(true, "periodUnit", "is required").is_ok());
    }
}
