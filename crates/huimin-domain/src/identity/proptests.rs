//! Property tests for the GB 11643 checksum and the resident-ID parser.

use super::*;
use jiff::civil::{Date, date};
use proptest::prelude::*;

const TODAY: Date = date(2025, 6, 1);
const PROVINCES: [u8; 31] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65,
];

/// 17 digits with a mainland province, a real birth date in
/// 1900-01-01..=TODAY and arbitrary other digits.
fn valid_first17() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&PROVINCES[..]),
        0u32..10_000,
        0i32..=TODAY.since(date(1900, 1, 1)).unwrap().get_days(),
        0u32..1000,
    )
        .prop_map(|(province, area, offset, seq)| {
            let birth = date(1900, 1, 1)
                .checked_add(jiff::Span::new().days(offset))
                .unwrap();
            format!("{province:02}{area:04}{}{seq:03}", birth.strftime("%Y%m%d"))
        })
}

proptest! {
    #[test]
    fn any_valid_body_with_computed_check_char_parses(first17 in valid_first17()) {
        let check = resident_id_check_char(&first17).unwrap();
        let number = format!("{first17}{check}");
        let id = ResidentId::parse(&number, TODAY).unwrap();
        prop_assert_eq!(id.as_str(), number.as_str());
        prop_assert!(id.birth_date() <= TODAY);
        let odd = (first17.as_bytes()[16] - b'0') % 2 == 1;
        prop_assert_eq!(id.sex() == Sex::Male, odd);
    }

    #[test]
    fn lowercase_x_parses_like_uppercase(first17 in valid_first17()) {
        let number = format!("{first17}{}", resident_id_check_char(&first17).unwrap());
        let lower = number.to_ascii_lowercase();
        let id = ResidentId::parse(&lower, TODAY).unwrap();
        prop_assert_eq!(id.as_str(), number.as_str());
    }

    #[test]
    fn changing_any_single_digit_breaks_the_checksum(
        first17 in valid_first17(),
        position in 0usize..18,
        delta in 1u8..10,
    ) {
        let number = format!("{first17}{}", resident_id_check_char(&first17).unwrap());
        let mut bytes = number.into_bytes();
        let original = bytes[position];
        // Position 18 may hold X (value 10); step through the 11 check values.
        bytes[position] = if position == 17 {
            let value = if original == b'X' { 10 } else { original - b'0' };
            match (value + delta) % 11 { 10 => b'X', v => b'0' + v }
        } else {
            b'0' + (original - b'0' + delta) % 10
        };
        let tampered = String::from_utf8(bytes).unwrap();
        let check = resident_id_check_char(&tampered[..17]).unwrap();
        prop_assert!(!tampered.ends_with(check), "{} still checks", tampered);
        prop_assert!(ResidentId::parse(&tampered, TODAY).is_err());
    }

    #[test]
    fn check_char_is_always_a_digit_or_x(first17 in "[0-9]{17}") {
        let c = resident_id_check_char(&first17).unwrap();
        prop_assert!(c.is_ascii_digit() || c == 'X');
    }

    #[test]
    fn parse_never_panics(raw in "\\PC{0,24}") {
        let _ = ResidentId::parse(&raw, TODAY);
        for kind in DocumentKind::ALL {
            let _ = IdentityDocument::parse(kind, &raw, TODAY);
        }
    }
}
