//! Verification codes printed on a record: short enough to type from paper, drawn from an
//! alphabet without look-alike characters (no 0/O, 1/I/L), and random enough (10 characters
//! of 31: about 49 bits) that guessing one is hopeless at a rate-limited endpoint.

use std::fmt;

use rand::{CryptoRng, Rng};

/// Digits and capital letters without 0, 1, I, L and O.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Length of a newly generated code.
pub const LENGTH: usize = 10;
/// Shortest code accepted when parsing (codes of a shorter generation stay readable).
pub const MIN_LENGTH: usize = 8;

/// A verification code: 8–10 characters of [`ALPHABET`], upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VerificationCode(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerificationCodeError {
    #[error("a verification code has 8 to 10 characters")]
    Length,
    #[error("a verification code has only digits 2-9 and letters without I, L and O")]
    Character,
}

impl VerificationCode {
    /// A new random code from a cryptographically secure generator.
    pub fn generate<R: Rng + CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let code = (0..LENGTH)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        Self(code)
    }

    /// Reads a code as a person types it: case, spaces and hyphens do not matter.
    pub fn parse(text: &str) -> Result<Self, VerificationCodeError> {
        let code: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let length = code.chars().count();
        if !(MIN_LENGTH..=LENGTH).contains(&length) {
            return Err(VerificationCodeError::Length);
        }
        if !code.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(VerificationCodeError::Character);
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `ABCDE-FGHJK`: in groups of five, as printed.
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars
            .chunks(5)
            .map(|group| group.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-")
    }
}

impl fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn generated_codes_have_ten_characters_of_the_alphabet_and_differ() {
        let mut rng = StdRng::seed_from_u64(7);
        let a = VerificationCode::generate(&mut rng);
        let b = VerificationCode::generate(&mut rng);
        assert_eq!(a.as_str().len(), LENGTH);
        assert!(a.as_str().bytes().all(|c| ALPHABET.contains(&c)));
        assert_ne!(a, b);
    }

    #[test]
    fn look_alike_characters_are_not_in_the_alphabet() {
        for c in b"01ILOilo" {
            assert!(!ALPHABET.contains(c), "{}", *c as char);
        }
    }

    #[test]
    fn a_typed_code_is_read_whatever_its_case_spaces_and_hyphens() {
        let code = VerificationCode::parse("abcde-fghjk").unwrap();
        assert_eq!(code.as_str(), "ABCDEFGHJK");
        assert_eq!(code.grouped(), "ABCDE-FGHJK");
        assert_eq!(
            VerificationCode::parse(" ABCD EFGH ").unwrap().as_str(),
            "ABCDEFGH"
        );
    }

    #[test]
    fn codes_of_the_wrong_length_or_with_look_alikes_are_refused() {
        assert_eq!(
            VerificationCode::parse("ABC"),
            Err(VerificationCodeError::Length)
        );
        assert_eq!(
            VerificationCode::parse("ABCDEFGHJKM"),
            Err(VerificationCodeError::Length)
        );
        assert_eq!(
            VerificationCode::parse("ABCDEFGH0K"),
            Err(VerificationCodeError::Character)
        );
        assert_eq!(
            VerificationCode::parse("ABCDEFGHI2"),
            Err(VerificationCodeError::Character)
        );
    }

    proptest! {
        #[test]
        fn every_generated_code_parses_back_to_itself(seed in any::<u64>()) {
            let code = VerificationCode::generate(&mut StdRng::seed_from_u64(seed));
            prop_assert_eq!(VerificationCode::parse(&code.grouped()).unwrap(), code);
        }
    }
}
