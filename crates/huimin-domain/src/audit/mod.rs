//! Tamper-evident audit trail (DOMAIN §2: every step logged and traceable).
//!
//! Each record's hash covers the previous record's hash, so editing,
//! deleting or reordering any stored record breaks every later hash. The
//! storage layer persists `(facts, hash)`; [`verify_chain`] re-derives the
//! chain and reports the first record that does not fit. The chain is keyed ([`keyed`]):
//! links are HMACs under a key derived from the data key, the head is sealed, and an anchor
//! kept outside the machine proves the chain up to its record unchanged.

use crate::i18n::Text;
use sha2::{Digest, Sha256};

mod keyed;

pub use keyed::{
    Anchor, AnchorSyntax, ChainCheck, ChainKey, Head, KEYED_MARKER_ACTION, MIN_ANCHOR_HEX, Verified,
};

/// The hash "before" the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Separates the previous hash from the record so that no choice of record
/// bytes can be confused with a different previous hash.
const SEPARATOR: u8 = 0x1F;

/// Lowercase hex SHA-256 of `prev_hash_hex || 0x1F || canonical_record`.
pub fn chain_hash(prev_hash_hex: &str, canonical_record: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash_hex.as_bytes());
    hasher.update([SEPARATOR]);
    hasher.update(canonical_record);
    to_hex(&hasher.finalize())
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0F)]));
    }
    out
}

/// What happened, who did it, to what, and with which outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFacts {
    pub seq: i64,
    pub recorded_at_micros: i64,
    pub actor: String,
    pub role: String,
    /// `create`, `read`, `update`, `search`, `delete`, `login`, …
    pub action: String,
    /// `Patient/abc`, or the query for searches: `Patient?name=…`.
    pub resource: String,
    pub source_ip: String,
    /// `success`, `denied`, `error`, …
    pub outcome: String,
    pub detail: String,
}

/// Bumped if the encoding ever changes, so old and new records can never
/// produce the same bytes.
const CANONICAL_VERSION: u8 = 1;

impl AuditFacts {
    /// Unambiguous bytes for hashing: a version byte, then every field in
    /// declaration order; integers as 8-byte big-endian, strings as an
    /// 8-byte big-endian length followed by their UTF-8 bytes. Length
    /// prefixes mean `("ab", "c")` and `("a", "bc")` never collide.
    pub fn canonical(&self) -> Vec<u8> {
        let strings = [
            &self.actor,
            &self.role,
            &self.action,
            &self.resource,
            &self.source_ip,
            &self.outcome,
            &self.detail,
        ];
        let len = 1 + 16 + strings.iter().map(|s| 8 + s.len()).sum::<usize>();
        let mut out = Vec::with_capacity(len);
        out.push(CANONICAL_VERSION);
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.recorded_at_micros.to_be_bytes());
        for s in strings {
            out.extend_from_slice(&(s.len() as u64).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        out
    }

    /// The hash to store for this record when it follows `prev_hash_hex`.
    pub fn chain_hash(&self, prev_hash_hex: &str) -> String {
        chain_hash(prev_hash_hex, &self.canonical())
    }
}

/// Why a chain failed verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BreakReason {
    /// The stored hash is not the hash of this record after the previous
    /// one: this record, or one before it, was altered.
    HashMismatch,
    /// A record is missing, duplicated or out of order.
    SequenceGap { expected: i64 },
    /// The record from which the chain says it is keyed is not the marker written when it
    /// was keyed (or does not exist).
    NotTheMarker,
    /// The recomputed link is not the one of the anchor given: the chain up to the anchor's
    /// record was rewritten.
    AnchorMismatch,
    /// The anchor's record is no longer in the chain.
    AnchorBeyondChain,
    /// The head does not name the last record or its link.
    HeadMismatch { head_seq: i64, records: i64 },
    /// The head's seal does not match: records after this one were removed (or the head was
    /// rewritten) by someone without the key.
    HeadSealMismatch,
}

/// The first record at which the chain stops verifying.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at record {seq}: {}", reason_en(.reason))]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: BreakReason,
}

fn reason_en(reason: &BreakReason) -> String {
    match reason {
        BreakReason::HashMismatch => "stored hash does not match the record".to_owned(),
        BreakReason::SequenceGap { expected } => {
            format!("sequence number should be {expected}")
        }
        BreakReason::NotTheMarker => {
            "the record from which the chain is keyed is not the keying marker".to_owned()
        }
        BreakReason::AnchorMismatch => {
            "the link does not match the anchor: the chain up to here was rewritten".to_owned()
        }
        BreakReason::AnchorBeyondChain => {
            "the anchor's record is no longer in the chain (records were removed)".to_owned()
        }
        BreakReason::HeadMismatch { head_seq, records } => {
            format!("the chain head says {head_seq} records but {records} were found")
        }
        BreakReason::HeadSealMismatch => {
            "the head's seal does not match: records after the last one were removed or the \
             head was rewritten"
                .to_owned()
        }
    }
}

impl ChainBreak {
    pub fn message(&self) -> Text {
        let reason = match &self.reason {
            BreakReason::HashMismatch => "存储的哈希值与记录内容不符".to_owned(),
            BreakReason::SequenceGap { expected } => format!("序号应为 {expected}"),
            BreakReason::NotTheMarker => "审计链开始加密链接处的记录不是加密标记".to_owned(),
            BreakReason::AnchorMismatch => "链接值与锚点不符：此前的审计链已被改写".to_owned(),
            BreakReason::AnchorBeyondChain => {
                "锚点所指的记录已不在审计链中（记录被删除）".to_owned()
            }
            BreakReason::HeadMismatch { head_seq, records } => {
                format!("链头记载 {head_seq} 条记录，实际找到 {records} 条")
            }
            BreakReason::HeadSealMismatch => "链头签封不符：末尾记录被删除或链头被改写".to_owned(),
        };
        Text::new(
            format!("审计链在第 {} 条记录处断开：{reason}", self.seq),
            self.to_string(),
        )
    }
}

/// Verifies a whole chain from [`GENESIS_HASH`]; returns how many records
/// were checked. Sequence numbers must rise by exactly 1 from the first.
pub fn verify_chain<'a>(
    records: impl IntoIterator<Item = (&'a AuditFacts, &'a str)>,
) -> Result<usize, ChainBreak> {
    verify_chain_from(GENESIS_HASH, records)
}

/// Verifies a segment that continues from a known, trusted hash, e.g. the
/// last hash checked on a previous run, so verification can be incremental.
pub fn verify_chain_from<'a>(
    prev_hash_hex: &str,
    records: impl IntoIterator<Item = (&'a AuditFacts, &'a str)>,
) -> Result<usize, ChainBreak> {
    let mut prev = prev_hash_hex.to_owned();
    let mut prev_seq: Option<i64> = None;
    let mut count = 0;
    for (facts, stored) in records {
        if let Some(p) = prev_seq
            && p.checked_add(1) != Some(facts.seq)
        {
            return Err(ChainBreak {
                seq: facts.seq,
                reason: BreakReason::SequenceGap {
                    expected: p.saturating_add(1),
                },
            });
        }
        let computed = facts.chain_hash(&prev);
        if !computed.eq_ignore_ascii_case(stored) {
            return Err(ChainBreak {
                seq: facts.seq,
                reason: BreakReason::HashMismatch,
            });
        }
        prev = computed;
        prev_seq = Some(facts.seq);
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests;
