//! RSA keys and SHA256withRSA (PKCS#1 v1.5), the signature both gateways use.
//!
//! PKCS#1 v1.5 signing is deterministic: the same key and message give the same bytes, which
//! is what lets the tests compare with the SDKs' signatures exactly.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
use rsa::traits::PublicKeyParts as _;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest as _, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{DecodePem as _, Encode as _};

use super::GatewayError;

/// Reads an RSA private key: PKCS#8 (`BEGIN PRIVATE KEY`, what WeChat Pay's tool writes) or
/// PKCS#1 (`BEGIN RSA PRIVATE KEY`, Alipay's key tool), PEM or bare base64 as the consoles
/// show it.
pub(crate) fn private_key(text: &str) -> Result<RsaPrivateKey, GatewayError> {
    let text = text.trim();
    let key = if text.contains("-----BEGIN PRIVATE KEY-----") {
        RsaPrivateKey::from_pkcs8_pem(text).map_err(|e| GatewayError::PrivateKey(e.to_string()))
    } else if text.contains("-----BEGIN RSA PRIVATE KEY-----") {
        RsaPrivateKey::from_pkcs1_pem(text).map_err(|e| GatewayError::PrivateKey(e.to_string()))
    } else if text.contains("-----BEGIN") {
        Err(GatewayError::PrivateKey(
            "expected a PEM 'PRIVATE KEY' (PKCS#8) or 'RSA PRIVATE KEY' (PKCS#1) block".into(),
        ))
    } else {
        let der = bare_base64(text).map_err(GatewayError::PrivateKey)?;
        RsaPrivateKey::from_pkcs8_der(&der)
            .or_else(|_| RsaPrivateKey::from_pkcs1_der(&der))
            .map_err(|e| GatewayError::PrivateKey(e.to_string()))
    }?;
    check_size(key.size())?;
    Ok(key)
}

/// Reads an RSA public key in SubjectPublicKeyInfo form (`BEGIN PUBLIC KEY`), PEM or bare
/// base64: the WeChat Pay public key and the Alipay public key are both given this way.
pub(crate) fn public_key(text: &str) -> Result<RsaPublicKey, GatewayError> {
    let text = text.trim();
    let key = if text.contains("-----BEGIN") {
        RsaPublicKey::from_public_key_pem(text)
    } else {
        let der = bare_base64(text).map_err(GatewayError::PublicKey)?;
        RsaPublicKey::from_public_key_der(&der)
    }
    .map_err(|e| GatewayError::PublicKey(e.to_string()))?;
    check_public(key)
}

/// Reads an X.509 certificate (PEM) and returns its serial number, as upper-case hex without
/// leading zeros (how WeChat Pay writes it in `Wechatpay-Serial`), and its RSA public key.
pub(crate) fn certificate(pem: &str) -> Result<(String, RsaPublicKey), GatewayError> {
    let cert = Certificate::from_pem(pem.trim().as_bytes())
        .map_err(|e| GatewayError::PublicKey(format!("certificate: {e}")))?;
    let tbs = &cert.tbs_certificate;
    let serial = serial_hex(tbs.serial_number.as_bytes());
    let der = tbs
        .subject_public_key_info
        .to_der()
        .map_err(|e| GatewayError::PublicKey(format!("certificate key: {e}")))?;
    let key = RsaPublicKey::from_public_key_der(&der)
        .map_err(|e| GatewayError::PublicKey(format!("certificate key: {e}")))?;
    Ok((serial, check_public(key)?))
}

/// Upper-case hex without leading zeros: the SDK compares serials as integers, so "0A1" and
/// "a1" name the same certificate.
pub(crate) fn serial_hex(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.into()
    }
}

pub(crate) fn normalise_serial(serial: &str) -> String {
    let upper = serial.trim().to_ascii_uppercase();
    let trimmed = upper.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.into()
    }
}

/// SHA256withRSA over `message`, base64 (standard alphabet, padded, no line breaks).
pub(crate) fn sign(key: &RsaPrivateKey, message: &[u8]) -> Result<String, GatewayError> {
    let digest = Sha256::digest(message);
    let signature = key
        .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
        .map_err(|e| GatewayError::Signing(e.to_string()))?;
    Ok(B64.encode(signature))
}

/// Checks a base64 SHA256withRSA signature over `message`.
pub(crate) fn verify(
    key: &RsaPublicKey,
    message: &[u8],
    signature_b64: &str,
) -> Result<(), GatewayError> {
    let signature = B64
        .decode(signature_b64.trim())
        .map_err(|_| GatewayError::SignatureEncoding)?;
    let digest = Sha256::digest(message);
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &signature)
        .map_err(|_| GatewayError::BadSignature)
}

fn bare_base64(text: &str) -> Result<Vec<u8>, String> {
    let joined: String = text.split_whitespace().collect();
    B64.decode(joined)
        .map_err(|_| "expected PEM or base64 DER".to_string())
}

// Both gateways require 2048-bit keys; a smaller one is a configuration mistake worth naming.
fn check_size(bytes: usize) -> Result<(), GatewayError> {
    if bytes * 8 < 2048 {
        return Err(GatewayError::PrivateKey(format!(
            "the key has {} bits, the gateways require 2048",
            bytes * 8
        )));
    }
    Ok(())
}

fn check_public(key: RsaPublicKey) -> Result<RsaPublicKey, GatewayError> {
    if key.size() * 8 < 2048 {
        return Err(GatewayError::PublicKey(format!(
            "the key has {} bits, the gateways use 2048",
            key.size() * 8
        )));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_compare_as_integers() {
        assert_eq!(serial_hex(&[0x00, 0x3e, 0x08]), "3E08");
        assert_eq!(normalise_serial("003e08"), "3E08");
        assert_eq!(serial_hex(&[0]), "0");
    }

    #[test]
    fn garbage_keys_are_refused_with_a_reason() {
        assert!(matches!(
            private_key("not a key"),
            Err(GatewayError::PrivateKey(_))
        ));
        assert!(matches!(
            private_key("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
            Err(GatewayError::PrivateKey(_))
        ));
        assert!(matches!(public_key("@@@"), Err(GatewayError::PublicKey(_))));
        assert!(matches!(
            certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
            Err(GatewayError::PublicKey(_))
        ));
    }
}
