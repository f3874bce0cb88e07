//! Signing outpatient notes. A `Signer` signs the RFC 8785 canonical JSON of a note (its
//! Composition and Conditions) for a practitioner; `LocalSigner` does so with a per-doctor
//! Ed25519 key kept in the store, its private half sealed with the installation's data key.
//! A hospital's CA-backed signature service (可靠电子签名, 电子签名法) would implement the same
//! trait; such a service is outside what Huimin can reach, so none ships.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier, VerifyingKey};
use huimin_store::records::SigningKeyRecord;
use huimin_store::{Store, StoreError};
use serde_json::{Value, json};

/// A signature made over a document: by which key, the base64 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MadeSignature {
    pub key_id: String,
    pub signature: String,
}

/// Why a signature does not verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the version is not signed")]
    Unsigned,
    #[error("unknown signing key {0}")]
    UnknownKey(String),
    #[error("the stored key or signature is malformed")]
    Malformed,
    #[error("the signature does not match the note")]
    Mismatch,
}

/// Makes and checks signatures for practitioners.
#[allow(async_fn_in_trait)]
pub trait Signer {
    /// Signs `document` (canonical JSON bytes) as the practitioner.
    async fn sign(
        &self,
        practitioner_id: &str,
        document: &[u8],
    ) -> Result<MadeSignature, StoreError>;
    /// Checks a signature made by `key_id` over `document`.
    async fn verify(
        &self,
        key_id: &str,
        document: &[u8],
        signature: &str,
    ) -> Result<(), VerifyError>;
}

/// The RFC 8785 (JCS) canonical form of the signed part of a note version: its Composition
/// and Conditions, without `meta` (the server fills it on every read).
pub fn signed_document(content: &Value) -> Vec<u8> {
    let mut composition = content["composition"].clone();
    if let Some(object) = composition.as_object_mut() {
        object.remove("meta");
    }
    let document = json!({
        "composition": composition,
        "conditions": content["conditions"],
    });
    serde_jcs::to_vec(&document).unwrap_or_default()
}

/// Ed25519 keys held by Huimin: one per practitioner, created at their first signature.
pub struct LocalSigner<'a> {
    pub store: &'a Store,
    pub now: i64,
}

impl LocalSigner<'_> {
    async fn key_of(&self, practitioner_id: &str) -> Result<(String, SigningKey), StoreError> {
        if let Some((record, private)) = self.store.current_signing_key(practitioner_id).await? {
            return Ok((record.key_id, decode_private(&private)?));
        }
        let mut seed = [0u8; 32];
        rand::fill(&mut seed);
        let key = SigningKey::from_bytes(&seed);
        let public = key.verifying_key();
        let record = SigningKeyRecord {
            key_id: key_id_of(&public),
            practitioner_id: practitioner_id.to_owned(),
            public_key: B64.encode(public.as_bytes()),
            created_at: self.now,
        };
        let kept = self
            .store
            .add_signing_key(&record, &B64.encode(seed))
            .await?;
        if kept.key_id == record.key_id {
            return Ok((record.key_id, key));
        }
        // Another request made the practitioner's key first: use that one.
        let (record, private) = self
            .store
            .current_signing_key(practitioner_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((record.key_id, decode_private(&private)?))
    }
}

fn decode_private(text: &str) -> Result<SigningKey, StoreError> {
    let bytes: [u8; 32] = B64
        .decode(text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| StoreError::Corrupt("signing key".into()))?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// A key's id: `ed25519-` and the first 16 hex digits of the public key's SHA-256.
fn key_id_of(public: &VerifyingKey) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(public.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("ed25519-{hex}")
}

impl Signer for LocalSigner<'_> {
    async fn sign(
        &self,
        practitioner_id: &str,
        document: &[u8],
    ) -> Result<MadeSignature, StoreError> {
        let (key_id, key) = self.key_of(practitioner_id).await?;
        let signature = key.sign(document);
        Ok(MadeSignature {
            key_id,
            signature: B64.encode(signature.to_bytes()),
        })
    }

    async fn verify(
        &self,
        key_id: &str,
        document: &[u8],
        signature: &str,
    ) -> Result<(), VerifyError> {
        let record = self
            .store
            .signing_key(key_id)
            .await
            .map_err(|_| VerifyError::Malformed)?
            .ok_or_else(|| VerifyError::UnknownKey(key_id.to_owned()))?;
        let public: [u8; 32] = B64
            .decode(&record.public_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(VerifyError::Malformed)?;
        let public = VerifyingKey::from_bytes(&public).map_err(|_| VerifyError::Malformed)?;
        let signature: [u8; 64] = B64
            .decode(signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(VerifyError::Malformed)?;
        public
            .verify(document, &Signature::from_bytes(&signature))
            .map_err(|_| VerifyError::Mismatch)
    }
}

/// Verifies every version of a note; for each version, its number and the outcome.
pub async fn verify_note(
    store: &Store,
    note_id: &str,
) -> Result<Vec<(i64, Result<String, VerifyError>)>, StoreError> {
    let signer = LocalSigner { store, now: 0 };
    let mut out = Vec::new();
    for version in store.note_versions(note_id).await? {
        let outcome = match &version.signature {
            None => Err(VerifyError::Unsigned),
            Some(sig) => signer
                .verify(
                    &sig.key_id,
                    &signed_document(&version.content),
                    &sig.signature,
                )
                .await
                .map(|()| sig.key_id.clone()),
        };
        out.push((version.version, outcome));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_document_is_canonical_and_leaves_meta_out() {
        let a = json!({"composition": {"title": "门诊病历", "meta": {"versionId": "2"}, "a": 1}, "conditions": [], "input": {"x": 1}});
        let b = json!({"conditions": [], "composition": {"a": 1, "title": "门诊病历"}});
        assert_eq!(signed_document(&a), signed_document(&b));
        assert_eq!(
            String::from_utf8(signed_document(&a)).unwrap(),
            r#"{"composition":{"a":1,"title":"门诊病历"},"conditions":[]}"#
        );
    }
}
