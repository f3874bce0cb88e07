use super::checksum::{birth_date_unchecked, check_birth_date, check_layout, sex_of};
use super::{DocumentKind, IdentityError, Sex, normalise_number};
use crate::masking::mask_document_number;
use jiff::civil::Date;
use serde::Serialize;
use std::fmt;

/// A mainland resident identity number (居民身份证号码) that passed
/// GB 11643-1999: 18 characters, valid checksum, a mainland province code
/// and a real birth date between 1900-01-01 and the `today` it was parsed on.
///
/// `Debug` is masked and there is no `Display`, so the number cannot leak
/// into logs by accident; use [`ResidentId::as_str`] deliberately.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ResidentId(String);

/// Province-level codes of the mainland (first two digits). 71/81/82 and
/// 83 belong to Taiwan, Hong Kong and Macao, whose residents hold other
/// documents.
const PROVINCE_RANGES: [(u8, u8); 6] = [(11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65)];

impl ResidentId {
    pub fn parse(raw: &str, today: Date) -> Result<Self, IdentityError> {
        let number = normalise_number(raw);
        if number.is_empty() {
            return Err(IdentityError::Empty);
        }
        check_layout(DocumentKind::ResidentId, &number)?;
        if !is_mainland_province(&number) {
            return Err(IdentityError::UnknownArea);
        }
        check_birth_date(&number, today)?;
        Ok(Self(number))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> Date {
        birth_date_unchecked(&self.0).expect("ResidentId::parse checked the birth date")
    }

    pub fn sex(&self) -> Sex {
        sex_of(&self.0).expect("ResidentId::parse checked digit 17")
    }

    /// The 6-digit administrative division code of first registration.
    pub fn area_code(&self) -> &str {
        &self.0[..6]
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResidentId")
            .field(&mask_document_number(&self.0))
            .finish()
    }
}

fn is_mainland_province(number: &str) -> bool {
    let Some(code) = number.get(..2).and_then(|p| p.parse::<u8>().ok()) else {
        return false;
    };
    PROVINCE_RANGES
        .iter()
        .any(|&(lo, hi)| (lo..=hi).contains(&code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2025, 6, 1);

    fn with_check(first17: &str) -> String {
        let c = super::super::resident_id_check_char(first17).unwrap();
        format!("{first17}{c}")
    }

    #[test]
    fn published_valid_examples_parse() {
        for raw in [
            "11010519491231002X",
            "110101199003071137",
            "34052419800101001X",
        ] {
            let id = ResidentId::parse(raw, TODAY).unwrap();
            assert_eq!(id.as_str(), raw);
        }
    }

    #[test]
    fn fields_are_extracted() {
        let id = ResidentId::parse("11010519491231002X", TODAY).unwrap();
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.area_code(), "110105");
        let id = ResidentId::parse("110101199003071137", TODAY).unwrap();
        assert_eq!(id.birth_date(), date(1990, 3, 7));
        assert_eq!(id.sex(), Sex::Male);
    }

    #[test]
    fn lowercase_x_and_spaces_are_normalised() {
        let id = ResidentId::parse(" 110105 19491231 002x ", TODAY).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn wrong_check_digit_names_the_expected_one() {
        let err = ResidentId::parse("320106198503156789", TODAY).unwrap_err();
        assert_eq!(err, IdentityError::BadChecksum);
        assert!(
            !err.message().zh.contains('2'),
            "the right digit is never suggested"
        );
    }

    #[test]
    fn empty_and_wrong_length_are_rejected() {
        assert_eq!(ResidentId::parse("  ", TODAY), Err(IdentityError::Empty));
        assert!(matches!(
            ResidentId::parse("11010519491231002", TODAY),
            Err(IdentityError::WrongLength {
                expected: 18,
                actual: 17,
                ..
            })
        ));
        assert!(matches!(
            ResidentId::parse("11010519491231002X1", TODAY),
            Err(IdentityError::WrongLength { actual: 19, .. })
        ));
    }

    #[test]
    fn letters_other_than_final_x_are_rejected() {
        assert!(matches!(
            ResidentId::parse("1101051949123100X2", TODAY),
            Err(IdentityError::BadCharacter {
                position: 17,
                found: 'X',
                ..
            })
        ));
        assert!(matches!(
            ResidentId::parse("11010519491231002Y", TODAY),
            Err(IdentityError::BadCharacter {
                position: 18,
                found: 'Y',
                ..
            })
        ));
    }

    #[test]
    fn non_mainland_area_codes_are_rejected() {
        for first17 in [
            "81000019900101001",
            "71000019900101001",
            "00000019900101001",
        ] {
            assert_eq!(
                ResidentId::parse(&with_check(first17), TODAY),
                Err(IdentityError::UnknownArea),
                "{first17}"
            );
        }
    }

    #[test]
    fn birth_date_must_exist() {
        let cases = [
            "11010519900230001",
            "11010519901301001",
            "11010519900100001",
        ];
        for first17 in cases {
            assert_eq!(
                ResidentId::parse(&with_check(first17), TODAY),
                Err(IdentityError::InvalidBirthDate),
                "{first17}"
            );
        }
    }

    #[test]
    fn february_29_only_in_leap_years() {
        assert!(ResidentId::parse(&with_check("11010520000229001"), TODAY).is_ok());
        assert!(ResidentId::parse(&with_check("11010520240229001"), TODAY).is_ok());
        assert_eq!(
            ResidentId::parse(&with_check("11010519000229001"), TODAY),
            Err(IdentityError::InvalidBirthDate),
            "1900 is not a leap year"
        );
        assert_eq!(
            ResidentId::parse(&with_check("11010520230229001"), TODAY),
            Err(IdentityError::InvalidBirthDate)
        );
    }

    #[test]
    fn birth_date_may_be_today_but_not_later() {
        assert!(ResidentId::parse(&with_check("11010520250601001"), TODAY).is_ok());
        assert_eq!(
            ResidentId::parse(&with_check("11010520250602001"), TODAY),
            Err(IdentityError::BirthDateInFuture)
        );
    }

    #[test]
    fn birth_date_before_1900_is_rejected() {
        assert_eq!(
            ResidentId::parse(&with_check("11010518991231001"), TODAY),
            Err(IdentityError::InvalidBirthDate)
        );
        assert!(ResidentId::parse(&with_check("11010519000101001"), TODAY).is_ok());
    }

    #[test]
    fn debug_output_is_masked() {
        let id = ResidentId::parse("110101199003071137", TODAY).unwrap();
        assert_eq!(format!("{id:?}"), "ResidentId(\"110***********1137\")");
    }
}
