//! GB 11643-1999 layout shared by the resident ID, the HMT residence permit
//! and the 2023 foreign permanent resident card: 6-digit area, 8-digit birth
//! date, 3-digit sequence (last digit odd for men), ISO 7064 MOD 11-2 check.

use super::{DocumentKind, IdentityError, Sex};
use jiff::civil::Date;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character for the first 17 digits of a GB 11643 number.
/// `None` unless the input is exactly 17 ASCII digits.
pub fn resident_id_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(CHECK_CHARS[(sum % 11) as usize])
}

/// Checks length, characters and checksum of an already-normalised number.
/// Area and birth date are checked by the caller afterwards, so a typo is
/// reported as a checksum error (the most likely cause) rather than as a
/// confusing "unknown area".
pub(crate) fn check_layout(kind: DocumentKind, number: &str) -> Result<(), IdentityError> {
    let actual = number.chars().count();
    if actual != 18 {
        return Err(IdentityError::WrongLength {
            kind,
            expected: 18,
            actual,
        });
    }
    for (i, c) in number.chars().enumerate() {
        let ok = c.is_ascii_digit() || (i == 17 && c == 'X');
        if !ok {
            return Err(IdentityError::BadCharacter {
                kind,
                position: i + 1,
                found: c,
            });
        }
    }
    let expected = resident_id_check_char(&number[..17]).unwrap_or('?');
    if number.ends_with(expected) {
        Ok(())
    } else if kind == DocumentKind::ResidentId {
        Err(IdentityError::BadChecksum)
    } else {
        Err(IdentityError::BadPermitChecksum { kind })
    }
}

/// Reads and checks digits 7–14 as a birth date between 1900-01-01 and
/// `today` inclusive.
pub(crate) fn check_birth_date(number: &str, today: Date) -> Result<Date, IdentityError> {
    let date = birth_date_unchecked(number).ok_or(IdentityError::InvalidBirthDate)?;
    if date < jiff::civil::date(1900, 1, 1) {
        return Err(IdentityError::InvalidBirthDate);
    }
    if date > today {
        return Err(IdentityError::BirthDateInFuture);
    }
    Ok(date)
}

/// The birth date of a number that already passed [`check_birth_date`].
pub(crate) fn birth_date_unchecked(number: &str) -> Option<Date> {
    let digits = number.get(6..14)?;
    let year: i16 = digits.get(0..4)?.parse().ok()?;
    let month: i8 = digits.get(4..6)?.parse().ok()?;
    let day: i8 = digits.get(6..8)?.parse().ok()?;
    Date::new(year, month, day).ok()
}

/// Digit 17: odd for men, even for women.
pub(crate) fn sex_of(number: &str) -> Option<Sex> {
    let digit = number.as_bytes().get(16)?.checked_sub(b'0')?;
    Some(if digit % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_char_matches_published_examples() {
        assert_eq!(resident_id_check_char("11010519491231002"), Some('X'));
        assert_eq!(resident_id_check_char("11010119900307113"), Some('7'));
        assert_eq!(resident_id_check_char("34052419800101001"), Some('X'));
        assert_eq!(resident_id_check_char("32010619850315678"), Some('2'));
    }

    #[test]
    fn check_char_requires_exactly_17_ascii_digits() {
        assert_eq!(resident_id_check_char(""), None);
        assert_eq!(resident_id_check_char("1101051949123100"), None);
        assert_eq!(resident_id_check_char("110105194912310021"), None);
        assert_eq!(resident_id_check_char("1101051949123100A"), None);
        assert_eq!(resident_id_check_char("１1010519491231002"), None);
    }

    #[test]
    fn birth_date_rejects_impossible_dates() {
        assert_eq!(birth_date_unchecked("110105199002300000"), None);
        assert_eq!(birth_date_unchecked("110105199013010000"), None);
        assert_eq!(birth_date_unchecked("110105199000100000"), None);
        assert_eq!(
            birth_date_unchecked("110105200002290000"),
            Some(jiff::civil::date(2000, 2, 29))
        );
    }

    #[test]
    fn sex_follows_parity_of_digit_17() {
        assert_eq!(sex_of("110101199003071137"), Some(Sex::Male));
        assert_eq!(sex_of("11010519491231002X"), Some(Sex::Female));
        assert_eq!(sex_of("short"), None);
    }
}
