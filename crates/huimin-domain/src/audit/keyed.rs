//! The keyed chain: each link an HMAC-SHA256 under a key derived from the data key, the head
//! sealed under the same key, and anchors an operator keeps outside the machine.
//!
//! Without the key no one can compute a link, so records cannot be edited, removed from the
//! middle or rewritten with new links; the head's seal binds the number of records to the last
//! link, so the tail cannot be cut off either. What the key cannot prove is that the whole
//! database was not put back to an earlier genuine state, nor anything against whoever holds
//! the key: an [`Anchor`] written down elsewhere proves that the chain up to its record is
//! unchanged.
//!
//! A chain started before links were keyed keeps its SHA-256 links (`verify_chain`) up to a
//! marker record ([`KEYED_MARKER_ACTION`]), the first keyed link; `keyed_from` is that
//! record's sequence number (1 for a chain keyed from its start).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{AuditFacts, BreakReason, ChainBreak, chain_hash, to_hex};

/// The action of the record from which a chain started with SHA-256 links is keyed.
pub const KEYED_MARKER_ACTION: &str = "audit-chain-keyed";

/// The shortest anchor MAC accepted: 32 hex digits, 128 bits.
pub const MIN_ANCHOR_HEX: usize = 32;

/// Separates the fields of a keyed input, as in [`chain_hash`].
const SEPARATOR: u8 = 0x1F;

/// The key links and the head's seal are computed with. `Debug` never shows it.
#[derive(Clone)]
pub struct ChainKey([u8; 32]);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(<redacted>)")
    }
}

impl ChainKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    fn mac(&self, parts: &[&[u8]]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                mac.update(&[SEPARATOR]);
            }
            mac.update(part);
        }
        to_hex(&mac.finalize().into_bytes())
    }

    /// Lowercase hex HMAC-SHA256 of `prev_hex || 0x1F || canonical_record`: the keyed link.
    pub fn link(&self, prev_hex: &str, canonical_record: &[u8]) -> String {
        self.mac(&[prev_hex.as_bytes(), canonical_record])
    }

    /// The keyed link of `facts` after `prev_hex`.
    pub fn link_of(&self, prev_hex: &str, facts: &AuditFacts) -> String {
        self.link(prev_hex, &facts.canonical())
    }

    /// The head's seal: binds how many records there are to the last link.
    pub fn seal_head(&self, seq: i64, last_hex: &str) -> String {
        self.mac(&[b"head", &seq.to_be_bytes(), last_hex.as_bytes()])
    }
}

/// A record's recomputed link as an operator wrote it down: `SEQ:MAC`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    /// Lowercase hex, the whole link or its first [`MIN_ANCHOR_HEX`] digits or more.
    pub mac: String,
}

/// Why an anchor's text was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "an anchor is SEQ:MAC, a record number from 1 and at least {MIN_ANCHOR_HEX} hex digits \
     of its link, as `huimin audit anchor` printed it"
)]
pub struct AnchorSyntax;

impl std::str::FromStr for Anchor {
    type Err = AnchorSyntax;

    fn from_str(text: &str) -> Result<Self, AnchorSyntax> {
        let (seq, mac) = text.trim().split_once(':').ok_or(AnchorSyntax)?;
        let seq: i64 = seq.trim().parse().map_err(|_| AnchorSyntax)?;
        let mac = mac.trim().to_ascii_lowercase();
        let hex = mac.bytes().all(|b| b.is_ascii_hexdigit());
        if seq < 1 || !hex || mac.len() < MIN_ANCHOR_HEX || mac.len() > 64 {
            return Err(AnchorSyntax);
        }
        Ok(Self { seq, mac })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.mac)
    }
}

/// The chain's head as stored: how many records, the last link and its seal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
    pub seal: Option<String>,
}

/// A chain that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub records: i64,
    /// The first keyed record (1: every link is keyed).
    pub keyed_from: i64,
    /// The last record's link (the genesis hash for an empty chain).
    pub last: String,
    /// The anchor checked, if one was given.
    pub anchor: Option<Anchor>,
}

/// Verifies a chain record by record, from its first, in order (so a store can page through
/// it), then against its head.
#[derive(Debug)]
pub struct ChainCheck<'k> {
    key: &'k ChainKey,
    keyed_from: i64,
    anchor: Option<Anchor>,
    prev: String,
    next_seq: i64,
}

impl<'k> ChainCheck<'k> {
    pub fn new(key: &'k ChainKey, keyed_from: i64, anchor: Option<Anchor>) -> Self {
        Self {
            key,
            keyed_from: keyed_from.max(1),
            anchor,
            prev: super::GENESIS_HASH.to_owned(),
            next_seq: 1,
        }
    }

    /// The next sequence number expected.
    pub fn next_seq(&self) -> i64 {
        self.next_seq
    }

    /// Checks the next record and its stored link.
    pub fn push(&mut self, facts: &AuditFacts, stored: &str) -> Result<(), ChainBreak> {
        let seq = self.next_seq;
        let broken = |reason| Err(ChainBreak { seq, reason });
        if facts.seq != seq {
            return broken(BreakReason::SequenceGap { expected: seq });
        }
        if seq == self.keyed_from && seq > 1 && facts.action != KEYED_MARKER_ACTION {
            return broken(BreakReason::NotTheMarker);
        }
        let computed = if seq < self.keyed_from {
            chain_hash(&self.prev, &facts.canonical())
        } else {
            self.key.link_of(&self.prev, facts)
        };
        if !computed.eq_ignore_ascii_case(stored) {
            return broken(BreakReason::HashMismatch);
        }
        if let Some(anchor) = &self.anchor
            && anchor.seq == seq
            && !computed.starts_with(&anchor.mac)
        {
            return broken(BreakReason::AnchorMismatch);
        }
        self.prev = computed;
        self.next_seq += 1;
        Ok(())
    }

    /// Checks the head after the last record: its count, its last link and its seal.
    pub fn finish(self, head: &Head) -> Result<Verified, ChainBreak> {
        let records = self.next_seq - 1;
        let after = |reason| {
            Err(ChainBreak {
                seq: records + 1,
                reason,
            })
        };
        if let Some(anchor) = &self.anchor
            && anchor.seq > records
        {
            return after(BreakReason::AnchorBeyondChain);
        }
        if self.keyed_from > 1 && self.keyed_from > records {
            return after(BreakReason::NotTheMarker);
        }
        if head.seq != records || !head.hash.eq_ignore_ascii_case(&self.prev) {
            return after(BreakReason::HeadMismatch {
                head_seq: head.seq,
                records,
            });
        }
        let sealed = head
            .seal
            .as_deref()
            .is_some_and(|seal| seal == self.key.seal_head(records, &self.prev));
        if !sealed {
            return after(BreakReason::HeadSealMismatch);
        }
        Ok(Verified {
            records,
            keyed_from: self.keyed_from,
            last: self.prev,
            anchor: self.anchor,
        })
    }
}
