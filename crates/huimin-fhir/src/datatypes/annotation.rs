//! Annotation: a note with its author and time (a prescription's 备注, a pharmacist's advice).

use serde::{Deserialize, Serialize};

use super::{Extension, Reference};
use crate::primitives::de;
use crate::rules::{Broken, choice};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(remote = "Self", rename_all = "camelCase", deny_unknown_fields)]
pub struct Annotation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// `author[x]`: at most one of `authorReference` / `authorString`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_reference: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_string: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub time: Option<String>,
    /// 1..1, markdown.
    pub text: String,
}

impl Annotation {
    pub fn new(text: impl Into<String>) -> Self {
        Annotation {
            text: text.into(),
            ..Default::default()
        }
    }

    fn rules(&self) -> Result<(), Broken> {
        choice(
            "author[x]",
            &[
                ("authorReference", self.author_reference.is_some()),
                ("authorString", self.author_string.is_some()),
            ],
            false,
        )
    }
}

checked_serde!(Annotation);
