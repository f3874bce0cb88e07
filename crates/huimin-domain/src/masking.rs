//! Display masking of personal identifiers (DOMAIN §2). Everything works on
//! `char`s, never bytes, so Chinese text is never split mid-character and
//! the number of stars matches what a reader sees.

/// `110***********1234`: first 3 and last 4 kept. Numbers shorter than 8
/// would reveal nearly everything that way, so they keep only the first and
/// last character.
pub fn mask_document_number(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() >= 8 {
        keep_ends(&chars, 3, 4)
    } else {
        keep_ends_short(&chars)
    }
}

/// `138****1234` for an 11-digit number; otherwise first 3 and last 2.
pub fn mask_phone(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() == 11 && chars.iter().all(char::is_ascii_digit) {
        keep_ends(&chars, 3, 4)
    } else if chars.len() > 5 {
        keep_ends(&chars, 3, 2)
    } else {
        keep_ends_short(&chars)
    }
}

/// `张*`: the first character and a single star, whatever the length, so the
/// mask does not even reveal how long the name is.
pub fn mask_name(s: &str) -> String {
    match s.trim().chars().next() {
        Some(first) => format!("{first}*"),
        None => String::new(),
    }
}

fn keep_ends(chars: &[char], head: usize, tail: usize) -> String {
    let stars = chars.len().saturating_sub(head + tail);
    chars[..head]
        .iter()
        .copied()
        .chain(std::iter::repeat_n('*', stars))
        .chain(chars[chars.len() - tail..].iter().copied())
        .collect()
}

/// First and last character with stars between; a one- or two-character
/// value keeps only its first character, because keeping both ends would
/// show it whole.
fn keep_ends_short(chars: &[char]) -> String {
    match chars {
        [] => String::new(),
        [_] => "*".to_owned(),
        [first, _] => format!("{first}*"),
        [first, middle @ .., last] => {
            let stars = "*".repeat(middle.len());
            format!("{first}{stars}{last}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn document_numbers_keep_first_3_and_last_4() {
        assert_eq!(
            mask_document_number("110105194912311234"),
            "110***********1234"
        );
        assert_eq!(mask_document_number("E12345678"), "E12**5678");
        assert_eq!(mask_document_number("12345678"), "123*5678");
    }

    #[test]
    fn short_document_numbers_keep_one_at_each_end() {
        assert_eq!(mask_document_number("1234567"), "1*****7");
        assert_eq!(mask_document_number("123"), "1*3");
        assert_eq!(mask_document_number("12"), "1*");
        assert_eq!(mask_document_number("1"), "*");
        assert_eq!(mask_document_number(""), "");
    }

    #[test]
    fn phones_mask_the_middle() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("01012345678"), "010****5678");
        assert_eq!(mask_phone("0571123456"), "057*****56");
        assert_eq!(mask_phone("12345"), "1***5");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn names_keep_only_the_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧*");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(mask_name("买买提·艾力"), "买*");
        assert_eq!(mask_name("John Smith"), "J*");
        assert_eq!(mask_name("  李四 "), "李*");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_name("   "), "");
    }

    #[test]
    fn masking_handles_multibyte_characters() {
        assert_eq!(
            mask_document_number("证件号码一二三四五六"),
            "证件号***三四五六"
        );
        assert_eq!(mask_phone("电话一二三四五六"), "电话一***五六");
    }

    /// Characters of `s` a masked value reveals, position by position.
    fn revealed(masked: &str) -> usize {
        masked.chars().filter(|&c| c != '*').count()
    }

    proptest! {
        #[test]
        fn document_mask_reveals_at_most_first_3_and_last_4(s in "[0-9A-Z\u{4e00}-\u{4e20}]{0,30}") {
            let masked = mask_document_number(&s);
            let original: Vec<char> = s.chars().collect();
            let shown: Vec<char> = masked.chars().collect();
            prop_assert_eq!(shown.len(), original.len());
            for (i, (&o, &m)) in original.iter().zip(&shown).enumerate() {
                let may_show = i < 3 || i + 4 >= original.len();
                prop_assert!(m == '*' || (may_show && m == o), "{} -> {}", s, masked);
            }
            prop_assert!(revealed(&masked) <= 7);
            if original.len() < 8 {
                prop_assert!(revealed(&masked) <= 2);
                prop_assert!(original.is_empty() || revealed(&masked) < original.len());
            }
        }

        #[test]
        fn phone_mask_reveals_at_most_first_3_and_last_4(s in "[0-9+ -]{0,20}") {
            let masked = mask_phone(&s);
            let original: Vec<char> = s.chars().collect();
            let shown: Vec<char> = masked.chars().collect();
            prop_assert_eq!(shown.len(), original.len());
            for (i, (&o, &m)) in original.iter().zip(&shown).enumerate() {
                let may_show = i < 3 || i + 4 >= original.len();
                prop_assert!(m == '*' || (may_show && m == o), "{} -> {}", s, masked);
            }
            prop_assert!(original.is_empty() || revealed(&masked) < original.len());
        }

        #[test]
        fn name_mask_reveals_one_character(s in "\\PC{0,20}") {
            let masked = mask_name(&s);
            let trimmed = s.trim();
            if trimmed.is_empty() {
                prop_assert_eq!(masked, "");
            } else {
                prop_assert_eq!(masked.chars().count(), 2);
                prop_assert!(masked.ends_with('*'));
                prop_assert_eq!(masked.chars().next(), trimmed.chars().next());
            }
        }
    }
}
