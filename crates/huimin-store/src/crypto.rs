//! Field protection at rest.
//!
//! One 32-byte data key (from `HUIMIN_DATA_KEY` or a key file kept beside, never inside, the
//! database) is split with HMAC into an encryption key and an index key, so that a copied
//! database file alone reveals neither sealed resources nor the identifiers behind the
//! blind index. Which key is a database's own is proven at every open (see
//! [`crate::keycheck`]).

use std::path::Path;

use aes_gcm::aead::{Aead, Generate, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::StoreError;

/// Prefix of sealed values: lets readers tell sealed from plain content and leaves room for
/// key rotation (`enc2:` …) later.
pub(crate) const SEALED_PREFIX: &str = "enc1:";
const NONCE_LEN: usize = 12;

/// The installation's data key. `Debug` never shows the bytes.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    pub fn from_base64(text: &str) -> Result<Self, StoreError> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|e| StoreError::Key(format!("HUIMIN_DATA_KEY is not base64: {e}")))?;
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| StoreError::Key("the data key must be exactly 32 bytes".into()))?;
        Ok(Self(array))
    }

    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        Self(bytes)
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    /// Reads the key file; `None` when it does not exist.
    pub fn load(path: &Path) -> Result<Option<Self>, StoreError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_base64(&text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates the key file (mode 0600) with a new key; when another process created it
    /// first, its key. Only for a database that holds no data yet (see `keycheck`).
    pub(crate) fn create(path: &Path) -> Result<Self, StoreError> {
        let key = Self::generate();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        match write_private(path, &key.to_base64()) {
            Ok(()) => Ok(key),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::load(path)?
                .ok_or_else(|| StoreError::Key(format!("{} vanished", path.display()))),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(purpose);
        mac.finalize().into_bytes().into()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// Seals and opens stored values and computes blind-index tokens.
pub struct FieldCrypto {
    cipher: Aes256Gcm,
    index_key: [u8; 32],
    token_key: [u8; 32],
    site_key: [u8; 32],
    screen_key: [u8; 32],
    chain_key: huimin_domain::audit::ChainKey,
}

impl FieldCrypto {
    pub fn new(key: &DataKey) -> Self {
        let enc = key.derive(b"huimin/v1/encryption");
        Self {
            cipher: Aes256Gcm::new_from_slice(&enc).expect("32-byte key"),
            index_key: key.derive(b"huimin/v1/blind-index"),
            token_key: key.derive(b"huimin/v1/token-signing"),
            site_key: key.derive(b"huimin/v1/check-in-site"),
            screen_key: key.derive(b"huimin/v1/screen-token"),
            chain_key: huimin_domain::audit::ChainKey::new(key.derive(b"huimin/v1/audit-chain")),
        }
    }

    pub fn seal(&self, plain: &str) -> String {
        let nonce = Nonce::generate();
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(nonce.as_slice());
        bytes.extend_from_slice(&sealed);
        format!("{SEALED_PREFIX}{}", B64.encode(bytes))
    }

    /// Opens a sealed value; plain values (no prefix) are returned as they are.
    pub fn open(&self, stored: &str) -> Result<String, StoreError> {
        let Some(encoded) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(stored.to_owned());
        };
        let bytes = B64
            .decode(encoded)
            .map_err(|e| StoreError::Corrupt(format!("sealed value is not base64: {e}")))?;
        if bytes.len() < NONCE_LEN {
            return Err(StoreError::Corrupt("sealed value is truncated".into()));
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).expect("length checked");
        let plain = self.cipher.decrypt(&nonce, sealed).map_err(|_| {
            StoreError::Corrupt("sealed value does not open with this data key".into())
        })?;
        String::from_utf8(plain).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// The key that signs access tokens: derived from the data key, so it is never stored in
    /// the database and every server sharing the data key accepts the others' tokens.
    pub fn token_signing_key(&self) -> [u8; 32] {
        self.token_key
    }

    /// The key of the audit chain's links and head seal: derived from the data key, so it is
    /// never stored in the database.
    pub fn chain_key(&self) -> &huimin_domain::audit::ChainKey {
        &self.chain_key
    }

    /// The check-in code shown in a waiting area (`place`) during time window `window`:
    /// 8 characters no one can work out without the data key, so a patient who has it has
    /// seen the screen (see the server's `appointments::site`).
    pub fn site_code(&self, place: &str, window: i64) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.site_key).expect("any key length");
        mac.update(format!("{place}|{window}").as_bytes());
        hex(&mac.finalize().into_bytes()[..4]).to_uppercase()
    }

    /// The keyed hash a screen token is kept and looked up by.
    pub fn screen_token_hash(&self, token: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.screen_key).expect("any key length");
        mac.update(token.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Deterministic keyed token for equality search on a sensitive value.
    pub fn blind_index(&self, value: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key).expect("any key length");
        mac.update(value.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_round_trip_and_hide_the_plain_text() {
        let crypto = FieldCrypto::new(&DataKey::generate());
        let sealed = crypto.seal("110101199003071137");
        assert!(!sealed.contains("110101199003071137"));
        assert_eq!(crypto.open(&sealed).unwrap(), "110101199003071137");
    }

    #[test]
    fn a_different_key_cannot_open_a_sealed_value() {
        let sealed = FieldCrypto::new(&DataKey::generate()).seal("secret");
        assert!(
            FieldCrypto::new(&DataKey::generate())
                .open(&sealed)
                .is_err()
        );
    }

    #[test]
    fn blind_index_is_deterministic_per_key() {
        let key = DataKey::generate();
        let a = FieldCrypto::new(&key);
        let b = FieldCrypto::new(&key);
        assert_eq!(a.blind_index("13800138000"), b.blind_index("13800138000"));
        let other = FieldCrypto::new(&DataKey::generate());
        assert_ne!(
            a.blind_index("13800138000"),
            other.blind_index("13800138000")
        );
    }

    #[test]
    fn key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.key");
        assert!(DataKey::load(&path).unwrap().is_none());
        let first = DataKey::create(&path).unwrap();
        let second = DataKey::load(&path).unwrap().unwrap();
        assert_eq!(first.to_base64(), second.to_base64());
        let again = DataKey::create(&path).unwrap();
        assert_eq!(
            again.to_base64(),
            first.to_base64(),
            "an existing file is kept"
        );
    }

    #[test]
    fn malformed_keys_are_refused() {
        assert!(DataKey::from_base64("not base64!").is_err());
        assert!(DataKey::from_base64(&B64.encode([1u8; 16])).is_err());
    }
}
