use super::checksum::{birth_date_unchecked, check_birth_date, check_layout, sex_of};
use super::{DocumentKind, IdentityError, ResidentId, Sex, normalise_number};
use crate::masking::mask_document_number;
use jiff::civil::Date;
use std::fmt;

/// A document number of any accepted kind, checked as far as the kind
/// allows. The number is normalised (no whitespace, uppercase, half-width).
///
/// `Debug` is masked so a document never ends up in a log by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdentityDocument {
    kind: DocumentKind,
    number: String,
}

impl IdentityDocument {
    pub fn parse(kind: DocumentKind, raw: &str, today: Date) -> Result<Self, IdentityError> {
        let number = normalise_number(raw);
        if number.is_empty() {
            return Err(IdentityError::Empty);
        }
        match kind {
            DocumentKind::ResidentId => {
                return ResidentId::parse(&number, today).map(Self::from);
            }
            DocumentKind::Passport => check_passport(&number)?,
            DocumentKind::HkMoTravelPermit => check_hk_mo(&number)?,
            DocumentKind::TwTravelPermit => {
                check_length(kind, &number, 8)?;
                check_digits(kind, &number, 0)?;
            }
            DocumentKind::HmtResidencePermit => check_hmt(&number, today)?,
            DocumentKind::ForeignPermanentResident => check_foreign(&number, today)?,
        }
        Ok(Self { kind, number })
    }

    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    pub fn number(&self) -> &str {
        &self.number
    }

    /// The birth date encoded in the number, for the kinds that use the
    /// 18-character resident-ID layout.
    pub fn birth_date(&self) -> Option<Date> {
        self.has_gb11643_layout()
            .then(|| birth_date_unchecked(&self.number))
            .flatten()
    }

    /// The sex encoded in the number, for the 18-character layout kinds.
    pub fn sex(&self) -> Option<Sex> {
        self.has_gb11643_layout()
            .then(|| sex_of(&self.number))
            .flatten()
    }

    fn has_gb11643_layout(&self) -> bool {
        matches!(
            self.kind,
            DocumentKind::ResidentId
                | DocumentKind::HmtResidencePermit
                | DocumentKind::ForeignPermanentResident
        ) && self.number.len() == 18
    }
}

impl From<ResidentId> for IdentityDocument {
    fn from(id: ResidentId) -> Self {
        Self {
            kind: DocumentKind::ResidentId,
            number: id.as_str().to_owned(),
        }
    }
}

impl fmt::Debug for IdentityDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityDocument")
            .field("kind", &self.kind)
            .field("number", &mask_document_number(&self.number))
            .finish()
    }
}

fn check_length(kind: DocumentKind, number: &str, expected: usize) -> Result<(), IdentityError> {
    let actual = number.chars().count();
    if actual == expected {
        Ok(())
    } else {
        Err(IdentityError::WrongLength {
            kind,
            expected,
            actual,
        })
    }
}

/// Requires ASCII digits from character index `from` on.
fn check_digits(kind: DocumentKind, number: &str, from: usize) -> Result<(), IdentityError> {
    match number
        .chars()
        .enumerate()
        .skip(from)
        .find(|(_, c)| !c.is_ascii_digit())
    {
        Some((i, found)) => Err(IdentityError::BadCharacter {
            kind,
            position: i + 1,
            found,
        }),
        None => Ok(()),
    }
}

/// Passports of every country are accepted, so only the shape common to
/// ICAO machine-readable passports is checked: letters and digits.
fn check_passport(number: &str) -> Result<(), IdentityError> {
    let kind = DocumentKind::Passport;
    if let Some((i, found)) = number
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
    {
        return Err(IdentityError::BadCharacter {
            kind,
            position: i + 1,
            found,
        });
    }
    if (5..=20).contains(&number.len()) {
        Ok(())
    } else {
        Err(IdentityError::BadFormat { kind })
    }
}

fn check_hk_mo(number: &str) -> Result<(), IdentityError> {
    let kind = DocumentKind::HkMoTravelPermit;
    check_length(kind, number, 9)?;
    if !(number.starts_with('H') || number.starts_with('M')) {
        return Err(IdentityError::BadFormat { kind });
    }
    check_digits(kind, number, 1)
}

fn check_hmt(number: &str, today: Date) -> Result<(), IdentityError> {
    let kind = DocumentKind::HmtResidencePermit;
    check_layout(kind, number)?;
    if !["810000", "820000", "830000"]
        .iter()
        .any(|p| number.starts_with(p))
    {
        return Err(IdentityError::BadFormat { kind });
    }
    check_birth_date(number, today).map(drop)
}

fn check_foreign(number: &str, today: Date) -> Result<(), IdentityError> {
    let kind = DocumentKind::ForeignPermanentResident;
    if number.chars().count() == 15 {
        // 2017 card: ISO 3166 alpha-3 nationality, then 12 digits.
        if let Some((i, found)) = number
            .chars()
            .take(3)
            .enumerate()
            .find(|(_, c)| !c.is_ascii_uppercase())
        {
            return Err(IdentityError::BadCharacter {
                kind,
                position: i + 1,
                found,
            });
        }
        return check_digits(kind, number, 3);
    }
    check_layout(kind, number)?;
    if !number.starts_with('9') {
        return Err(IdentityError::BadFormat { kind });
    }
    check_birth_date(number, today).map(drop)
}

#[cfg(test)]
#[path = "document_tests.rs"]
mod tests;
