//! How a patient an account manages is related to the account holder, and the version of
//! the agreement and privacy policy an account holder accepts at sign-up.

use crate::i18n::Text;

/// The account holder themself (本人) or a family member (就诊人) and how they are related.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Relationship {
    /// The account holder's own record: one per account, and one account per record.
    Holder,
    Parent,
    Child,
    Spouse,
    Other,
}

impl Relationship {
    /// The relationships a family member may have (everything but [`Relationship::Holder`]).
    pub const FAMILY: [Relationship; 4] = [
        Relationship::Parent,
        Relationship::Child,
        Relationship::Spouse,
        Relationship::Other,
    ];

    /// Stable code for storage and the API.
    pub fn code(self) -> &'static str {
        match self {
            Relationship::Holder => "self",
            Relationship::Parent => "parent",
            Relationship::Child => "child",
            Relationship::Spouse => "spouse",
            Relationship::Other => "other",
        }
    }

    /// The stored code read back; unknown codes (an older `family`) read as `Other`.
    pub fn from_stored(code: &str) -> Self {
        match code {
            "self" => Relationship::Holder,
            other => Self::family_from_code(other).unwrap_or(Relationship::Other),
        }
    }

    /// A family member's relationship as a form or the API gives it.
    pub fn family_from_code(code: &str) -> Option<Self> {
        Self::FAMILY.into_iter().find(|r| r.code() == code.trim())
    }

    pub fn label(self) -> Text {
        match self {
            Relationship::Holder => Text::new("本人", "Myself"),
            Relationship::Parent => Text::new("父母", "Parent"),
            Relationship::Child => Text::new("子女", "Child"),
            Relationship::Spouse => Text::new("配偶", "Spouse"),
            Relationship::Other => Text::new("其他", "Other"),
        }
    }

    /// The problem with a relationship a form gave, for its `relationship` field.
    pub fn refusal(code: &str) -> Text {
        if code.trim().is_empty() {
            Text::new("请选择与您的关系", "Choose how they are related to you")
        } else {
            Text::new(
                "关系须为 父母、子女、配偶 或 其他",
                "The relationship must be parent, child, spouse or other",
            )
        }
    }
}

/// The version of the user agreement and privacy policy that sign-up shows. A sign-up
/// accepts exactly this version; change it whenever either text changes, so the version
/// each account accepted says which texts they read.
pub const TERMS_VERSION: &str = "2026-03";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_the_holder_is_no_family_relationship() {
        for r in Relationship::FAMILY {
            assert_eq!(Relationship::family_from_code(r.code()), Some(r));
            assert_eq!(Relationship::from_stored(r.code()), r);
        }
        assert_eq!(Relationship::family_from_code("self"), None);
        assert_eq!(Relationship::from_stored("self"), Relationship::Holder);
        assert_eq!(Relationship::from_stored("family"), Relationship::Other);
        assert_eq!(Relationship::Spouse.label().zh, "配偶");
    }
}
