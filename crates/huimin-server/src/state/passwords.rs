use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::config::PasswordCost;

/// Argon2id hashing with the cost chosen in the settings.
#[derive(Clone)]
pub struct Passwords {
    argon: Argon2<'static>,
    /// Verified against for unknown user names, so that a miss costs as long as a hit and
    /// timing does not tell which user names exist.
    dummy_hash: String,
}

impl Passwords {
    pub fn new(cost: PasswordCost) -> Self {
        let params = match cost {
            PasswordCost::Default => Params::default(),
            PasswordCost::Fast => Params::new(8, 1, 1, None).expect("valid minimal parameters"),
        };
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy_hash = argon
            .hash_password(b"huimin-timing-equaliser")
            .expect("hashing a constant cannot fail")
            .to_string();
        Self { argon, dummy_hash }
    }

    pub fn hash(&self, password: &str) -> String {
        self.argon
            .hash_password(password.as_bytes())
            .expect("argon2 hashing of an in-memory password cannot fail")
            .to_string()
    }

    pub fn verify(&self, password: &str, hash: &str) -> bool {
        match PasswordHash::new(hash) {
            Ok(parsed) => self
                .argon
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }

    pub fn burn_time(&self, password: &str) {
        let _ = self.verify(password, &self.dummy_hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let passwords = Passwords::new(PasswordCost::Fast);
        let hash = passwords.hash("Huimin@2026");
        assert!(passwords.verify("Huimin@2026", &hash));
        assert!(!passwords.verify("huimin@2026", &hash));
        assert!(!passwords.verify("Huimin@2026", "not a hash"));
    }
}
