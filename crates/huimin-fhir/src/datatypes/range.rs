//! Range and Ratio: two quantities read together (a dose of 1–2 tablets, 0.25 g per capsule).

use serde::{Deserialize, Serialize};

use super::{Extension, Quantity};
use crate::rules::{Broken, rule};

/// Range: `low` and `high` are SimpleQuantities (no comparator).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Range {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Quantity>,
}

/// Ratio: an ingredient's strength (0.25 g per 1 粒), a maximum dose per period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(remote = "Self", rename_all = "camelCase", deny_unknown_fields)]
pub struct Ratio {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<Quantity>,
}

impl Ratio {
    /// `numerator` per `denominator`.
    pub fn new(numerator: Quantity, denominator: Quantity) -> Self {
        Ratio {
            numerator: Some(numerator),
            denominator: Some(denominator),
            ..Default::default()
        }
    }

    /// R4 rat-1: both terms or neither, and then an extension says why.
    fn rules(&self) -> Result<(), Broken> {
        let (n, d) = (self.numerator.is_some(), self.denominator.is_some());
        rule(
            n == d,
            "denominator",
            "is given with the numerator, or neither is (rat-1)",
        )?;
        rule(
            n || !self.extension.is_empty(),
            "numerator",
            "is required unless an extension stands for the ratio (rat-1)",
        )
    }
}

checked_serde!(Ratio);
