//! Chinese telephone numbers: mainland mobiles and fixed lines with area
//! code. Stored as bare digits so that equal numbers compare equal however
//! they were typed.

use crate::i18n::Text;
use crate::masking::mask_phone;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A normalised mainland number: `13800138000` (mobile) or `01012345678`
/// (area code + subscriber). `Debug` is masked to keep numbers out of logs.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone number is empty")]
    Empty,
    #[error("phone number contains an invalid character {found:?}")]
    BadCharacter { found: char },
    #[error("phone number must be a mainland China number (+86)")]
    NotMainland,
    #[error("phone number is neither an 11-digit mobile number nor a fixed line with area code")]
    Invalid,
}

impl PhoneError {
    pub fn message(&self) -> Text {
        let zh = match self {
            PhoneError::Empty => "电话号码不能为空".to_owned(),
            PhoneError::BadCharacter { found } => format!("电话号码含有无效字符“{found}”"),
            PhoneError::NotMainland => "电话号码须为中国大陆号码（+86）".to_owned(),
            PhoneError::Invalid => {
                "电话号码格式不正确：应为 11 位手机号或带区号的固定电话".to_owned()
            }
        };
        Text::new(zh, self.to_string())
    }
}

impl Phone {
    /// Accepts what people type: `+86 138 0013 8000`, `0086-138…`,
    /// `86-13800138000`, `(010) 1234-5678`, `+86 10 12345678`.
    pub fn parse(raw: &str) -> Result<Phone, PhoneError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (international, digits) = strip_separators(raw)?;
        let national = national_part(international, &digits)?;
        if is_mobile(national) || is_fixed_line(national) {
            return Ok(Phone(national.to_owned()));
        }
        // International format drops the trunk 0 of fixed lines
        // (+86 10 12345678), so put it back before giving up.
        let with_trunk = format!("0{national}");
        if international && is_fixed_line(&with_trunk) {
            return Ok(Phone(with_trunk));
        }
        Err(PhoneError::Invalid)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mobile(&self) -> bool {
        is_mobile(&self.0)
    }
}

/// Returns whether the number was written with a country code, and its
/// digits. Spaces, dashes, dots and brackets are typed separators.
fn strip_separators(raw: &str) -> Result<(bool, String), PhoneError> {
    let plus = raw.starts_with('+') || raw.starts_with('＋');
    let body = raw.trim_start_matches(['+', '＋']);
    let mut digits = String::with_capacity(body.len());
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            ' ' | '\u{3000}' | '-' | '.' | '(' | ')' | '（' | '）' => {}
            _ => return Err(PhoneError::BadCharacter { found: c }),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Invalid);
    }
    if plus {
        return Ok((true, digits));
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return Ok((true, rest.to_owned()));
    }
    Ok((false, digits))
}

fn national_part(international: bool, digits: &str) -> Result<&str, PhoneError> {
    if international {
        return digits.strip_prefix("86").ok_or(PhoneError::NotMainland);
    }
    // "86" without a plus is only taken as a country code when what follows
    // is a mobile number, because fixed lines never start with 86.
    match digits.strip_prefix("86") {
        Some(rest) if is_mobile(rest) => Ok(rest),
        _ => Ok(digits),
    }
}

/// 11 digits, `1` then 3–9 (no mobile block starts 10, 11 or 12).
fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
}

/// Trunk `0`, a 2–3 digit area code (010, 021, 0571, …) and a 7–8 digit
/// subscriber number: 10 to 12 digits, never `00`.
fn is_fixed_line(d: &str) -> bool {
    let b = d.as_bytes();
    (10..=12).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) && b[0] == b'0' && b[1] != b'0'
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Phone").field(&mask_phone(&self.0)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> String {
        Phone::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}")).0
    }

    #[test]
    fn mobile_numbers_in_common_spellings() {
        for raw in [
            "13800138000",
            "+86 138 0013 8000",
            "86-13800138000",
            "+86-138-0013-8000",
            "0086 13800138000",
            " 138 0013 8000 ",
            "１３８００１３８０００",
            "＋86 13800138000",
        ] {
            assert_eq!(ok(raw), "13800138000", "{raw}");
        }
        assert!(Phone::parse("19912345678").unwrap().is_mobile());
    }

    #[test]
    fn fixed_lines_keep_area_code() {
        assert_eq!(ok("010-12345678"), "01012345678");
        assert_eq!(ok("(0571) 8765 4321"), "057187654321");
        assert_eq!(ok("0755-1234567"), "07551234567");
        assert_eq!(ok("+86 10 12345678"), "01012345678");
        assert_eq!(ok("+86 571 87654321"), "057187654321");
        assert!(!Phone::parse("010-12345678").unwrap().is_mobile());
    }

    #[test]
    fn malformed_numbers_are_rejected() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse(" - "), Err(PhoneError::Invalid));
        assert_eq!(Phone::parse("12345678901"), Err(PhoneError::Invalid));
        assert_eq!(Phone::parse("1380013800"), Err(PhoneError::Invalid));
        assert_eq!(Phone::parse("138001380001"), Err(PhoneError::Invalid));
        assert_eq!(Phone::parse("12345"), Err(PhoneError::Invalid));
        assert_eq!(Phone::parse("0012345678"), Err(PhoneError::NotMainland));
        assert_eq!(
            Phone::parse("138-0013-800a"),
            Err(PhoneError::BadCharacter { found: 'a' })
        );
    }

    #[test]
    fn foreign_country_codes_are_rejected() {
        assert_eq!(
            Phone::parse("+1 415 555 0100"),
            Err(PhoneError::NotMainland)
        );
        assert_eq!(Phone::parse("+852 9123 4567"), Err(PhoneError::NotMainland));
    }

    #[test]
    fn error_messages_are_bilingual() {
        let m = PhoneError::Invalid.message();
        assert!(m.zh.contains("电话号码"));
        assert_eq!(m.en, PhoneError::Invalid.to_string());
    }

    #[test]
    fn debug_is_masked() {
        let p = Phone::parse("13800138000").unwrap();
        assert_eq!(format!("{p:?}"), "Phone(\"138****8000\")");
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let p: Phone = serde_json::from_str("\"+86 138 0013 8000\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"13800138000\"");
        assert!(serde_json::from_str::<Phone>("\"123\"").is_err());
    }
}
