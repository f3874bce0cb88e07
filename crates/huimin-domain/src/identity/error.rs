use super::DocumentKind;
use crate::i18n::Text;

/// Why a document number was rejected. Each variant names the field and the
/// rule so the registration form can tell the patient exactly what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("document number is empty")]
    Empty,
    #[error("{} must be {} characters long, got {actual}", en(.kind), expected_en(.kind, .expected))]
    WrongLength {
        kind: DocumentKind,
        expected: usize,
        actual: usize,
    },
    #[error("{} has an invalid character {found:?} at position {position}", en(.kind))]
    BadCharacter {
        kind: DocumentKind,
        /// 1-based, counted in characters, as a person would count.
        position: usize,
        found: char,
    },
    /// The check digit does not match. The message never suggests the right one: typing it
    /// in would turn a mistyped number into a valid number of someone else.
    #[error(
        "the resident ID number is not valid (its check digit does not match): check every digit against the card"
    )]
    BadChecksum,
    /// Same checksum rule as [`IdentityError::BadChecksum`], for the permits
    /// that reuse the resident-ID layout, so the message names the right card.
    #[error("the {} is not valid (its check digit does not match): check every digit against the card", en(.kind))]
    BadPermitChecksum { kind: DocumentKind },
    #[error("resident ID area code is not a mainland province")]
    UnknownArea,
    #[error("the birth date in the document number is not a valid date after 1900-01-01")]
    InvalidBirthDate,
    #[error("the birth date in the document number is in the future")]
    BirthDateInFuture,
    #[error("{} does not match the required format: {}", en(.kind), format_en(.kind))]
    BadFormat { kind: DocumentKind },
}

impl IdentityError {
    /// The message in both languages; `en` equals `Display`.
    pub fn message(&self) -> Text {
        let zh = match self {
            IdentityError::Empty => "证件号码不能为空".to_owned(),
            IdentityError::WrongLength {
                kind,
                expected,
                actual,
            } => format!(
                "{}应为 {} 位，实际为 {actual} 位",
                zh(kind),
                expected_zh(kind, expected)
            ),
            IdentityError::BadCharacter {
                kind,
                position,
                found,
            } => format!("{}第 {position} 位含有无效字符“{found}”", zh(kind)),
            IdentityError::BadChecksum => {
                "身份证号码无效（校验不通过），请对照证件逐位核对".to_owned()
            }
            IdentityError::BadPermitChecksum { kind } => {
                format!("{}无效（校验不通过），请对照证件逐位核对", zh(kind))
            }
            IdentityError::UnknownArea => "身份证号前两位不是有效的省级行政区划代码".to_owned(),
            IdentityError::InvalidBirthDate => {
                "证件号码中的出生日期无效（须为 1900 年 1 月 1 日以后的真实日期）".to_owned()
            }
            IdentityError::BirthDateInFuture => "证件号码中的出生日期晚于今天".to_owned(),
            IdentityError::BadFormat { kind } => {
                format!("{}格式不正确：{}", zh(kind), format_zh(kind))
            }
        };
        Text::new(zh, self.to_string())
    }
}

fn zh(kind: &DocumentKind) -> &'static str {
    kind.field().0
}

fn en(kind: &DocumentKind) -> &'static str {
    kind.field().1
}

// The 2017 foreign permanent resident card is 15 characters; saying only
// "18" would mislead a holder of the older card.
fn expected_zh(kind: &DocumentKind, expected: &usize) -> String {
    match kind {
        DocumentKind::ForeignPermanentResident => "18（旧版 15）".to_owned(),
        _ => expected.to_string(),
    }
}

fn expected_en(kind: &DocumentKind, expected: &usize) -> String {
    match kind {
        DocumentKind::ForeignPermanentResident => "18 (or 15 for the old card)".to_owned(),
        _ => expected.to_string(),
    }
}

fn format_zh(kind: &DocumentKind) -> &'static str {
    match kind {
        DocumentKind::ResidentId => "18 位，前 17 位为数字，最后一位为数字或 X",
        DocumentKind::Passport => "5 至 20 位字母或数字",
        DocumentKind::HkMoTravelPermit => "H 或 M 开头，后跟 8 位数字",
        DocumentKind::TwTravelPermit => "8 位数字",
        DocumentKind::HmtResidencePermit => "18 位，以 810000、820000 或 830000 开头",
        DocumentKind::ForeignPermanentResident => "18 位且以 9 开头，或旧版 3 位字母加 12 位数字",
    }
}

fn format_en(kind: &DocumentKind) -> &'static str {
    match kind {
        DocumentKind::ResidentId => "18 characters, 17 digits then a digit or X",
        DocumentKind::Passport => "5 to 20 letters or digits",
        DocumentKind::HkMoTravelPermit => "H or M followed by 8 digits",
        DocumentKind::TwTravelPermit => "8 digits",
        DocumentKind::HmtResidencePermit => "18 characters starting with 810000, 820000 or 830000",
        DocumentKind::ForeignPermanentResident => {
            "18 characters starting with 9, or the old 3 letters + 12 digits"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_message_names_the_field_and_never_the_right_digit() {
        let m = IdentityError::BadChecksum.message();
        assert_eq!(m.zh, "身份证号码无效（校验不通过），请对照证件逐位核对");
        assert!(!m.zh.contains("应为") && !m.en.contains("expected"));
        assert!(!m.zh.chars().any(|c| c.is_ascii_digit()));
        assert!(!m.en.chars().any(|c| c.is_ascii_digit()));
    }

    #[test]
    fn english_message_equals_display() {
        let errors = [
            IdentityError::Empty,
            IdentityError::WrongLength {
                kind: DocumentKind::ForeignPermanentResident,
                expected: 18,
                actual: 3,
            },
            IdentityError::BadCharacter {
                kind: DocumentKind::TwTravelPermit,
                position: 2,
                found: 'A',
            },
            IdentityError::BadPermitChecksum {
                kind: DocumentKind::HmtResidencePermit,
            },
            IdentityError::BadFormat {
                kind: DocumentKind::HkMoTravelPermit,
            },
        ];
        for e in errors {
            let m = e.message();
            assert_eq!(m.en, e.to_string());
            assert!(!m.zh.is_empty());
        }
    }

    #[test]
    fn length_message_names_the_document() {
        let m = IdentityError::WrongLength {
            kind: DocumentKind::ResidentId,
            expected: 18,
            actual: 17,
        }
        .message();
        assert_eq!(m.zh, "身份证号应为 18 位，实际为 17 位");
        assert_eq!(m.en, "resident ID must be 18 characters long, got 17");
    }
}
