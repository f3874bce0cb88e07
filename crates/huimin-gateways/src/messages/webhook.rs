//! Webhook signatures for FHIR Subscription rest-hook notifications, per the Standard Webhooks
//! specification (standardwebhooks.com), symmetric `v1` scheme:
//!
//! - headers `webhook-id` (the event id, unique per event, kept across retries),
//!   `webhook-timestamp` (Unix seconds) and `webhook-signature`;
//! - signature = base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")), sent as `v1,<base64>`;
//!   several may be sent space-separated (secret rotation), one match is enough;
//! - secret = random bytes, shared as `whsec_<base64>`.
//!
//! Proven against the official `standardwebhooks` PyPI package (`tests/messages_vectors.rs`).
//! The receiver also checks the timestamp against its clock, so a captured request cannot be
//! replayed later than the tolerance.

use std::fmt;

use base64::Engine;
use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::MessageError;

type HmacSha256 = Hmac<Sha256>;

/// The spec's default tolerance, seconds either way.
pub const DEFAULT_TOLERANCE_SECS: i64 = 5 * 60;
const PREFIX: &str = "whsec_";

/// A signing secret. `Debug` never shows it.
#[derive(Clone)]
pub struct WebhookSecret {
    bytes: Vec<u8>,
    // Keyed once, cloned per message.
    mac: HmacSha256,
}

impl PartialEq for WebhookSecret {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}
impl Eq for WebhookSecret {}

/// Standard base64, padding optional (the reference libraries accept both).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

impl WebhookSecret {
    /// Raw bytes, e.g. 32 from the caller's CSPRNG; at least 16 (the spec recommends 24–64).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MessageError> {
        if bytes.len() < 16 {
            return Err(MessageError::InvalidWebhookSecret);
        }
        let mac =
            HmacSha256::new_from_slice(bytes).map_err(|_| MessageError::InvalidWebhookSecret)?;
        Ok(WebhookSecret {
            bytes: bytes.to_vec(),
            mac,
        })
    }

    /// Parses `whsec_<base64>` (the prefix is optional, as in the reference libraries).
    pub fn parse(s: &str) -> Result<Self, MessageError> {
        let b64 = s.strip_prefix(PREFIX).unwrap_or(s);
        let bytes = BASE64
            .decode(b64)
            .map_err(|_| MessageError::InvalidWebhookSecret)?;
        Self::from_bytes(&bytes)
    }

    /// The `whsec_<base64>` form to hand to the subscriber.
    pub fn expose(&self) -> String {
        format!("{PREFIX}{}", STANDARD.encode(&self.bytes))
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

/// The three headers of one signed delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookHeaders {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
}

impl WebhookHeaders {
    pub fn as_pairs(&self) -> [(&'static str, &str); 3] {
        [
            ("webhook-id", &self.id),
            ("webhook-timestamp", &self.timestamp),
            ("webhook-signature", &self.signature),
        ]
    }
}

fn check_id(event_id: &str) -> Result<(), MessageError> {
    // It travels in a header: visible ASCII only.
    if event_id.is_empty() || !event_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(MessageError::InvalidWebhookHeader(
            "webhook-id 必须是非空可见 ASCII / webhook-id must be visible ASCII",
        ));
    }
    Ok(())
}

fn mac_of(secret: &WebhookSecret, event_id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    let mut mac = secret.mac.clone();
    mac.update(format!("{event_id}.{timestamp}.").as_bytes());
    mac.update(body);
    mac
}

/// The `webhook-signature` value (`v1,<base64>`) for a delivery at `timestamp` (Unix seconds).
pub fn sign(
    secret: &WebhookSecret,
    event_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, MessageError> {
    check_id(event_id)?;
    let tag = mac_of(secret, event_id, timestamp, body)
        .finalize()
        .into_bytes();
    Ok(format!("v1,{}", STANDARD.encode(tag)))
}

/// All three headers for a delivery.
pub fn headers(
    secret: &WebhookSecret,
    event_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<WebhookHeaders, MessageError> {
    Ok(WebhookHeaders {
        id: event_id.to_owned(),
        timestamp: timestamp.to_string(),
        signature: sign(secret, event_id, timestamp, body)?,
    })
}

/// Checks a received delivery: the timestamp within `tolerance_secs` of `now` (both ways), and
/// one `v1` signature matching (compared in constant time). Other versions (`v1a`, asymmetric)
/// are skipped, as the spec asks of a symmetric verifier.
pub fn verify(
    secret: &WebhookSecret,
    received: &WebhookHeaders,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(), MessageError> {
    check_id(&received.id)?;
    // Integer seconds only: the spec's timestamp is an integer, a float is not accepted.
    let timestamp: i64 = received
        .timestamp
        .parse()
        .map_err(|_| MessageError::InvalidWebhookHeader("webhook-timestamp"))?;
    if timestamp.abs_diff(now) > tolerance_secs.unsigned_abs() {
        return Err(MessageError::WebhookTimestampOutOfTolerance);
    }
    let expected = mac_of(secret, &received.id, timestamp, body);
    let matched = received
        .signature
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|b64| BASE64.decode(b64).ok())
        .any(|tag| expected.clone().verify_slice(&tag).is_ok());
    if matched {
        Ok(())
    } else {
        Err(MessageError::WebhookSignatureMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_796_601_600;

    fn secret() -> WebhookSecret {
        WebhookSecret::from_bytes(&[7u8; 32]).expect("32 bytes")
    }

    #[test]
    fn a_signed_delivery_verifies_within_the_tolerance_both_ways() {
        let h = headers(&secret(), "evt_1", T, b"{}").expect("signs");
        for now in [T - 300, T, T + 300] {
            assert_eq!(verify(&secret(), &h, b"{}", now, 300), Ok(()));
        }
        for now in [T - 301, T + 301] {
            assert_eq!(
                verify(&secret(), &h, b"{}", now, 300),
                Err(MessageError::WebhookTimestampOutOfTolerance)
            );
        }
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let h = headers(&secret(), "evt_1", T, b"{}").expect("signs");
        let mismatch = Err(MessageError::WebhookSignatureMismatch);
        assert_eq!(verify(&secret(), &h, b"{ }", T, 300), mismatch);
        let other = WebhookSecret::from_bytes(&[8u8; 32]).expect("32 bytes");
        assert_eq!(verify(&other, &h, b"{}", T, 300), mismatch);
        let moved = WebhookHeaders {
            id: "evt_2".into(),
            ..h.clone()
        };
        assert_eq!(verify(&secret(), &moved, b"{}", T, 300), mismatch);
        let later = WebhookHeaders {
            timestamp: (T + 1).to_string(),
            ..h.clone()
        };
        assert_eq!(verify(&secret(), &later, b"{}", T, 300), mismatch);
    }

    #[test]
    fn one_matching_signature_among_several_is_enough() {
        let good = sign(&secret(), "evt_1", T, b"x").expect("signs");
        let h = WebhookHeaders {
            id: "evt_1".into(),
            timestamp: T.to_string(),
            signature: format!("v1a,abc v1,AAAA {good} v2,zzz"),
        };
        assert_eq!(verify(&secret(), &h, b"x", T, 300), Ok(()));
        let only_bad = WebhookHeaders {
            signature: "v1,AAAA v1a,".into(),
            ..h
        };
        assert_eq!(
            verify(&secret(), &only_bad, b"x", T, 300),
            Err(MessageError::WebhookSignatureMismatch)
        );
    }

    #[test]
    fn malformed_headers_and_secrets_are_refused() {
        let h = headers(&secret(), "evt_1", T, b"").expect("signs");
        let float = WebhookHeaders {
            timestamp: format!("{T}.0"),
            ..h.clone()
        };
        assert!(matches!(
            verify(&secret(), &float, b"", T, 300),
            Err(MessageError::InvalidWebhookHeader(_))
        ));
        assert!(sign(&secret(), "", T, b"").is_err());
        assert!(sign(&secret(), "evt 1", T, b"").is_err());
        assert!(WebhookSecret::parse("whsec_!!!").is_err());
        assert!(WebhookSecret::parse("whsec_c2hvcnQ=").is_err());
        assert!(WebhookSecret::from_bytes(&[1; 15]).is_err());
    }

    #[test]
    fn the_secret_round_trips_and_is_redacted() {
        let s = secret();
        assert_eq!(WebhookSecret::parse(&s.expose()), Ok(s.clone()));
        assert!(!format!("{s:?}").contains(&s.expose()[6..]));
    }

    proptest::proptest! {
        #[test]
        fn what_we_sign_we_verify_and_a_flipped_bit_we_refuse(
            key in proptest::collection::vec(proptest::num::u8::ANY, 16..64),
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..256),
            id in "[!-~]{1,40}",
            flip in 0usize..256,
        ) {
            let secret = WebhookSecret::from_bytes(&key).map_err(|e| {
                proptest::test_runner::TestCaseError::fail(e.to_string())
            })?;
            let h = headers(&secret, &id, T, &body).map_err(|e| {
                proptest::test_runner::TestCaseError::fail(e.to_string())
            })?;
            proptest::prop_assert_eq!(verify(&secret, &h, &body, T, 300), Ok(()));
            if !body.is_empty() {
                let mut changed = body.clone();
                changed[flip % body.len()] ^= 1;
                proptest::prop_assert_eq!(
                    verify(&secret, &h, &changed, T, 300),
                    Err(MessageError::WebhookSignatureMismatch)
                );
            }
        }
    }
}
