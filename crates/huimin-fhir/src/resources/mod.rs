//! The resources Huimin serves, one module each.

use std::fmt;
use std::marker::PhantomData;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::FhirResource;

/// Implements [`FhirResource`] for a resource struct whose `id` and `meta`
/// are the usual Resource elements.
macro_rules! fhir_resource {
    ($ty:ident) => {
        impl $crate::FhirResource for $ty {
            const TYPE: &'static str = stringify!($ty);
            fn id(&self) -> Option<&str> {
                self.id.as_deref()
            }
            fn set_id(&mut self, id: String) {
                self.id = Some(id);
            }
            fn meta(&self) -> Option<&$crate::Meta> {
                self.meta.as_ref()
            }
            fn meta_mut(&mut self) -> &mut $crate::Meta {
                self.meta.get_or_insert_with(Default::default)
            }
        }
    };
}

mod allergy_intolerance;
mod audit_event;
mod bundle;
mod capability_statement;
mod composition;
mod condition;
mod diagnostic_report;
mod encounter;
mod healthcare_service;
mod location;
mod medication;
mod medication_dispense;
mod medication_request;
mod observation;
mod operation_outcome;
mod organization;
mod patient;
mod practitioner;
mod practitioner_role;
mod provenance;
mod service_request;

pub use allergy_intolerance::*;
pub use audit_event::*;
pub use bundle::*;
pub use capability_statement::*;
pub use composition::*;
pub use condition::*;
pub use diagnostic_report::*;
pub use encounter::*;
pub use healthcare_service::*;
pub use location::*;
pub use medication::*;
pub use medication_dispense::*;
pub use medication_request::*;
pub use observation::*;
pub use operation_outcome::*;
pub use organization::*;
pub use patient::*;
pub use practitioner::*;
pub use practitioner_role::*;
pub use provenance::*;
pub use service_request::*;

/// The `resourceType` element of resource `T`: a zero-sized tag that always
/// serialises as `T::TYPE` and only deserialises from it. Being the first
/// field of every resource struct, it is always written first, and a
/// `Default` resource is automatically of the right type.
pub struct ResourceType<T>(PhantomData<fn() -> T>);

impl<T> ResourceType<T> {
    pub const fn new() -> Self {
        ResourceType(PhantomData)
    }
}

impl<T: FhirResource> ResourceType<T> {
    pub fn as_str(&self) -> &'static str {
        T::TYPE
    }
}

// Manual impls: derives would needlessly require `T: Clone` etc.
impl<T> Default for ResourceType<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for ResourceType<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ResourceType<T> {}

impl<T> PartialEq for ResourceType<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for ResourceType<T> {}

impl<T: FhirResource> fmt::Debug for ResourceType<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", T::TYPE)
    }
}

impl<T: FhirResource> Serialize for ResourceType<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(T::TYPE)
    }
}

impl<'de, T: FhirResource> Deserialize<'de> for ResourceType<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let found = String::deserialize(d)?;
        if found == T::TYPE {
            Ok(Self::new())
        } else {
            Err(D::Error::custom(format_args!(
                "resourceType is {found:?}, expected {:?}",
                T::TYPE
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::*;

    #[test]
    fn new_sets_resource_type_and_meta_mut_creates_meta() {
        let mut p = Patient::new();
        assert_eq!(p.resource_type.as_str(), "Patient");
        assert!(p.meta().is_none());
        p.meta_mut().version_id = Some("2".into());
        p.set_id("p1".into());
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"resourceType":"Patient","id":"p1","meta":{"versionId":"2"}}"#
        );
        // The tag alone rejects another type, even outside parse_resource.
        assert!(serde_json::from_str::<Patient>(r#"{"resourceType":"Location"}"#).is_err());
        assert!(serde_json::from_str::<Patient>(r#"{"id":"p1"}"#).is_err());
    }

    #[test]
    fn decimals_keep_integral_values_integral() {
        let m = Money {
            value: Some(crate::Decimal::from_i64(50)),
            currency: Some("CNY".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"value":50,"currency":"CNY"}"#
        );
        let q = Quantity {
            value: crate::Decimal::parse("36.50"),
            ..Default::default()
        };
        assert_eq!(serde_json::to_string(&q).unwrap(), r#"{"value":36.50}"#);
    }

    #[test]
    fn helpers() {
        let oo = OperationOutcome::single(
            IssueSeverity::Error,
            IssueType::Invalid,
            "缺少必填项".into(),
            None,
        );
        assert_eq!(oo.issue.len(), 1);
        assert_eq!(
            oo.issue[0].details.as_ref().unwrap().text.as_deref(),
            Some("缺少必填项")
        );
        assert_eq!(oo.issue[0].diagnostics.as_deref(), Some("缺少必填项"));
        assert!(oo.issue[0].expression.is_empty());

        let b = Bundle::searchset(u64::MAX, vec![], vec![BundleLink::new("self", "x")]);
        assert_eq!(b.total, Some(u32::MAX));
        assert_eq!(b.r#type, BundleType::Searchset);
    }
}
