use super::*;
use proptest::prelude::*;

fn facts(seq: i64) -> AuditFacts {
    AuditFacts {
        seq,
        recorded_at_micros: 1_717_200_000_000_000 + seq,
        actor: "user-7".into(),
        role: "doctor".into(),
        action: "read".into(),
        resource: format!("Patient/p{seq}"),
        source_ip: "10.0.0.8".into(),
        outcome: "success".into(),
        detail: "病历查看".into(),
    }
}

/// Builds a valid chain of `n` records starting at `first_seq`.
fn chain(first_seq: i64, n: usize) -> Vec<(AuditFacts, String)> {
    let mut prev = GENESIS_HASH.to_owned();
    (0..n)
        .map(|i| {
            let f = facts(first_seq + i as i64);
            let h = f.chain_hash(&prev);
            prev.clone_from(&h);
            (f, h)
        })
        .collect()
}

fn verify(records: &[(AuditFacts, String)]) -> Result<usize, ChainBreak> {
    verify_chain(records.iter().map(|(f, h)| (f, h.as_str())))
}

#[test]
fn chain_hash_is_sha256_of_prev_separator_and_record() {
    // Expected values computed independently with Python's hashlib.
    assert_eq!(
        chain_hash(GENESIS_HASH, b"abc"),
        "c0d01d5a54c400c96d2836cc2927ba3416e61c772c722d7b843e5920fa3d4f07"
    );
    assert_eq!(
        chain_hash("", b""),
        "ffe679bb831c95b67dc17819c63c5090d221aac6f4c7bf530f594ab43d21fa1e"
    );
    assert_ne!(
        chain_hash(GENESIS_HASH, b"abd"),
        chain_hash(GENESIS_HASH, b"abc")
    );
}

#[test]
fn canonical_encoding_is_length_prefixed() {
    let mut a = facts(1);
    let mut b = facts(1);
    a.actor = "ab".into();
    a.role = "c".into();
    b.actor = "a".into();
    b.role = "bc".into();
    assert_ne!(a.canonical(), b.canonical());
    let bytes = facts(1).canonical();
    assert_eq!(bytes[0], 1, "version byte");
    assert_eq!(&bytes[1..9], &1i64.to_be_bytes());
}

#[test]
fn an_intact_chain_verifies() {
    assert_eq!(verify(&chain(1, 5)), Ok(5));
    assert_eq!(verify(&chain(1000, 3)), Ok(3));
    assert_eq!(verify(&[]), Ok(0));
}

#[test]
fn stored_hashes_are_compared_case_insensitively() {
    let records: Vec<_> = chain(1, 2)
        .into_iter()
        .map(|(f, h)| (f, h.to_ascii_uppercase()))
        .collect();
    assert_eq!(verify(&records), Ok(2));
}

#[test]
fn editing_a_field_is_detected_at_that_record() {
    let mut records = chain(1, 5);
    records[2].0.outcome = "denied".into();
    assert_eq!(
        verify(&records),
        Err(ChainBreak {
            seq: 3,
            reason: BreakReason::HashMismatch
        })
    );
}

#[test]
fn rewriting_a_hash_breaks_the_next_record() {
    let mut records = chain(1, 4);
    records[1].0.detail = "forged".into();
    records[1].1 = records[1].0.chain_hash(&records[0].1);
    let err = verify(&records).unwrap_err();
    assert_eq!(err.seq, 3);
    assert_eq!(err.reason, BreakReason::HashMismatch);
}

#[test]
fn deleting_or_reordering_records_is_detected() {
    let mut deleted = chain(1, 4);
    deleted.remove(1);
    assert_eq!(
        verify(&deleted),
        Err(ChainBreak {
            seq: 3,
            reason: BreakReason::SequenceGap { expected: 2 }
        })
    );
    let mut swapped = chain(1, 4);
    swapped.swap(1, 2);
    assert_eq!(verify(&swapped).unwrap_err().seq, 3);
    let truncated_front = chain(1, 4).split_off(1);
    assert_eq!(
        verify(&truncated_front).unwrap_err().reason,
        BreakReason::HashMismatch
    );
}

#[test]
fn a_segment_verifies_from_its_predecessor_hash() {
    let records = chain(1, 4);
    let tail = &records[2..];
    let from = records[1].1.as_str();
    assert_eq!(
        verify_chain_from(from, tail.iter().map(|(f, h)| (f, h.as_str()))),
        Ok(2)
    );
}

#[test]
fn chain_break_message_is_bilingual() {
    let b = ChainBreak {
        seq: 7,
        reason: BreakReason::SequenceGap { expected: 6 },
    };
    assert_eq!(b.message().zh, "审计链在第 7 条记录处断开：序号应为 6");
    assert_eq!(
        b.message().en,
        "audit chain broken at record 7: sequence number should be 6"
    );
}

/// Applies edit number `field` (0..9) to one field of the record.
fn edit(f: &mut AuditFacts, field: usize, text: &str) {
    let bump = |s: &mut String| {
        if s == text {
            s.push('!');
        } else {
            text.clone_into(s);
        }
    };
    match field {
        0 => f.recorded_at_micros ^= 1,
        1 => bump(&mut f.actor),
        2 => bump(&mut f.role),
        3 => bump(&mut f.action),
        4 => bump(&mut f.resource),
        5 => bump(&mut f.source_ip),
        6 => bump(&mut f.outcome),
        7 => bump(&mut f.detail),
        _ => f.seq += 1,
    }
}

proptest! {
    #[test]
    fn any_single_field_edit_is_detected(
        n in 1usize..8,
        target in 0usize..8,
        field in 0usize..9,
        text in "\\PC{0,12}",
    ) {
        let mut records = chain(1, n);
        let target = target % n;
        edit(&mut records[target].0, field, &text);
        let err = verify(&records).unwrap_err();
        prop_assert!(err.seq == records[target].0.seq || err.seq == records[target].0.seq + 1);
        prop_assert!(err.seq > target as i64);
    }

    #[test]
    fn any_hash_edit_is_detected(n in 1usize..8, target in 0usize..8, pos in 0usize..64) {
        let mut records = chain(1, n);
        let target = target % n;
        let hash = &mut records[target].1;
        let flipped = if hash.as_bytes()[pos] == b'0' { "1" } else { "0" };
        hash.replace_range(pos..=pos, flipped);
        prop_assert_eq!(verify(&records).unwrap_err().seq, target as i64 + 1);
    }
}
