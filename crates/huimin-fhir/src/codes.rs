//! Code enums for R4 elements bound to a value set with `required` strength,
//! so an invalid code fails parsing at its element path.

/// Defines a code enum serialised to its FHIR code, with `as_str`,
/// `Display` and `FromStr`.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $code)] $var),+
        }

        impl $name {
            /// Every code, in the value set's order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The FHIR code.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$var => $code),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::codes::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($code => Ok($name::$var),)+
                    _ => Err($crate::codes::UnknownCode(s.to_owned())),
                }
            }
        }
    };
}

/// A string that is not a code of the expected value set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown code {0:?}")]
pub struct UnknownCode(pub String);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/administrative-gender
    AdministrativeGender {
        Male = "male",
        Female = "female",
        Other = "other",
        Unknown = "unknown",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/days-of-week
    DayOfWeek {
        Mon = "mon",
        Tue = "tue",
        Wed = "wed",
        Thu = "thu",
        Fri = "fri",
        Sat = "sat",
        Sun = "sun",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/publication-status
    PublicationStatus {
        Draft = "draft",
        Active = "active",
        Retired = "retired",
        Unknown = "unknown",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_as_strings() {
        for g in AdministrativeGender::ALL {
            let json = serde_json::to_string(g).unwrap();
            assert_eq!(json, format!("\"{g}\""));
            assert_eq!(g.as_str().parse::<AdministrativeGender>().unwrap(), *g);
        }
        assert!("M".parse::<AdministrativeGender>().is_err());
        assert!(serde_json::from_str::<DayOfWeek>("\"Mon\"").is_err());
    }
}
