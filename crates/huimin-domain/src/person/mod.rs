//! Person names, the password policy, the one check of a person's details on a form, and
//! how the people an account manages are related to its holder.

mod details;
mod relationship;

pub use details::{
    FieldProblem, PersonDetails, PersonField, PersonForm, PhoneRule, check_document, check_name,
    check_new_password, check_person, check_phone,
};
pub use relationship::{Relationship, TERMS_VERSION};

use crate::i18n::Text;
use crate::masking::mask_name;
use serde::{Deserialize, Serialize};
use std::fmt;

const MAX_NAME_CHARS: usize = 64;

/// A person's name as written on their document: Chinese characters or
/// Latin letters, with spaces, `·` (middle dot of transliterated and
/// minority names), `-`, `.` and `'`. Lookalike dots typed by IMEs (`•`,
/// `・`, `‧`) are folded to `·` and runs of whitespace to one space, so the
/// same name typed twice compares equal.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("name is empty")]
    Empty,
    #[error("name must be at most {max} characters, got {actual}")]
    TooLong { max: usize, actual: usize },
    #[error("name contains an invalid character {found:?}")]
    BadCharacter { found: char },
    #[error("name must contain at least one letter or Chinese character")]
    NoLetters,
}

impl NameError {
    pub fn message(&self) -> Text {
        let zh = match self {
            NameError::Empty => "姓名不能为空".to_owned(),
            NameError::TooLong { max, actual } => {
                format!("姓名最多 {max} 个字符，实际为 {actual} 个")
            }
            NameError::BadCharacter { found } => format!("姓名含有无效字符“{found}”"),
            NameError::NoLetters => "姓名须至少包含一个汉字或字母".to_owned(),
        };
        Text::new(zh, self.to_string())
    }
}

/// Two-character surnames; without this list 欧阳娜娜 would be filed under 欧.
const COMPOUND_SURNAMES: [&str; 14] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "夏侯", "轩辕",
    "令狐", "司徒",
];

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let mut name = String::with_capacity(raw.len());
        for c in raw.split_whitespace().flat_map(|w| w.chars().chain([' '])) {
            let c = match c {
                '•' | '・' | '‧' | '･' | '∙' => '·',
                _ => c,
            };
            if !(c == ' ' || is_name_letter(c) || matches!(c, '·' | '-' | '.' | '\'')) {
                return Err(NameError::BadCharacter { found: c });
            }
            name.push(c);
        }
        name.pop(); // the space added after the last word
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        let actual = name.chars().count();
        if actual > MAX_NAME_CHARS {
            return Err(NameError::TooLong {
                max: MAX_NAME_CHARS,
                actual,
            });
        }
        if !name.chars().any(is_name_letter) {
            return Err(NameError::NoLetters);
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Family name for FHIR `HumanName.family`: Chinese names give their
    /// (possibly compound) surname first; dotted transliterations and Latin
    /// names give it last.
    pub fn family(&self) -> String {
        self.split().0
    }

    /// Everything but the family name (FHIR `HumanName.given`).
    pub fn given(&self) -> String {
        self.split().1
    }

    fn split(&self) -> (String, String) {
        let name = self.0.as_str();
        if let Some((given, family)) = name.rsplit_once('·') {
            return (family.trim().to_owned(), given.trim().to_owned());
        }
        if name.chars().next().is_some_and(is_cjk) {
            let compact: String = name.chars().filter(|c| *c != ' ').collect();
            let surname_len = match COMPOUND_SURNAMES.iter().find(|s| compact.starts_with(**s)) {
                // A two-character name like 欧阳 is surname 欧 + given 阳.
                Some(_) if compact.chars().count() > 2 => 2,
                _ => 1,
            };
            let split_at = compact
                .char_indices()
                .nth(surname_len)
                .map_or(compact.len(), |(i, _)| i);
            let (family, given) = compact.split_at(split_at);
            return (family.to_owned(), given.to_owned());
        }
        match name.rsplit_once(' ') {
            Some((given, family)) => (family.to_owned(), given.to_owned()),
            None => (name.to_owned(), String::new()),
        }
    }
}

/// Chinese characters (including 〇 and the supplementary-plane extensions
/// that rare-character names need) and Latin letters with diacritics.
fn is_name_letter(c: char) -> bool {
    is_cjk(c)
        || c.is_ascii_alphabetic()
        || (('\u{C0}'..='\u{24F}').contains(&c) && c != '×' && c != '÷')
        || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '〇'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{323AF}')
}

impl TryFrom<String> for PersonName {
    type Error = NameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PersonName::parse(&s)
    }
}

impl From<PersonName> for String {
    fn from(n: PersonName) -> String {
        n.0
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PersonName")
            .field(&mask_name(&self.0))
            .finish()
    }
}

/// A password that met [`check_password_policy`]. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, PasswordError> {
        check_password_policy(raw)?;
        Ok(Self(raw.to_owned()))
    }

    /// The plain text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The least length of a patient's password; staff hold more data and need
/// [`STAFF_PASSWORD_MIN_CHARS`] (OWASP ASVS 2.1.1 asks for at least 12; 10 is the phone-typing
/// compromise for patients, with the common-password list below).
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const STAFF_PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("password must be at least {min} characters")]
    TooShort { min: usize },
    #[error("password must be at most {PASSWORD_MAX_CHARS} characters")]
    TooLong,
    #[error("password must contain at least one letter")]
    MissingLetter,
    #[error("password must contain at least one digit")]
    MissingDigit,
    #[error("this password is on the list of the most common passwords; choose another")]
    Common,
}

impl PasswordError {
    pub fn message(&self) -> Text {
        let zh = match self {
            PasswordError::TooShort { min } => format!("密码至少 {min} 个字符"),
            PasswordError::TooLong => format!("密码最多 {PASSWORD_MAX_CHARS} 个字符"),
            PasswordError::MissingLetter => "密码须至少包含一个字母".to_owned(),
            PasswordError::MissingDigit => "密码须至少包含一个数字".to_owned(),
            PasswordError::Common => "该密码属于最常见的密码，容易被猜中，请换一个".to_owned(),
        };
        Text::new(zh, self.to_string())
    }
}

/// A patient's password: 10 to 128 characters (counted as characters, not bytes) with at
/// least one letter and one digit, not a common password. The upper bound keeps hashing cost
/// bounded. Passwords are not trimmed: spaces are legitimate password characters.
pub fn check_password_policy(pw: &str) -> Result<(), PasswordError> {
    check_password(pw, PASSWORD_MIN_CHARS)
}

/// A staff account's password: as a patient's, but at least 12 characters.
pub fn check_staff_password_policy(pw: &str) -> Result<(), PasswordError> {
    check_password(pw, STAFF_PASSWORD_MIN_CHARS)
}

fn check_password(pw: &str, min: usize) -> Result<(), PasswordError> {
    let len = pw.chars().count();
    if len < min {
        return Err(PasswordError::TooShort { min });
    }
    if len > PASSWORD_MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    if !pw.chars().any(char::is_alphabetic) {
        return Err(PasswordError::MissingLetter);
    }
    if !pw.chars().any(|c| c.is_ascii_digit()) {
        return Err(PasswordError::MissingDigit);
    }
    if is_common(pw) {
        return Err(PasswordError::Common);
    }
    Ok(())
}

/// Whether the whole password is one entry of zxcvbn's ranked list of common passwords (the
/// leaked-password frequency list it ships, about 30,000 entries), in any case, reversed or
/// with l33t substitutions (`Passw0rd`, `1qaz2wsx3edc`).
fn is_common(pw: &str) -> bool {
    use zxcvbn::matching::patterns::MatchPattern;
    match zxcvbn::zxcvbn(pw, &[]).sequence() {
        [only] => matches!(&only.pattern, MatchPattern::Dictionary(d)
            // `DictionaryType` is not exported; its default is the passwords list.
            if d.dictionary_name == Default::default()),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
