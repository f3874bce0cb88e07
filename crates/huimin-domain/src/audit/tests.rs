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

mod keyed {
    use super::*;

    fn key(byte: u8) -> ChainKey {
        ChainKey::new([byte; 32])
    }

    /// `legacy` records with SHA-256 links, then (when `legacy > 0`) the keying marker and
    /// `keyed` more records, every link after the legacy ones keyed; with its sealed head.
    fn mixed_chain(k: &ChainKey, legacy: usize, keyed: usize) -> (Vec<(AuditFacts, String)>, Head) {
        let mut prev = GENESIS_HASH.to_owned();
        let mut out = Vec::new();
        let markers = usize::from(legacy > 0);
        for i in 0..legacy + markers + keyed {
            let seq = i as i64 + 1;
            let mut f = facts(seq);
            let link = if i < legacy {
                f.chain_hash(&prev)
            } else {
                if i == legacy && markers == 1 {
                    f.action = KEYED_MARKER_ACTION.into();
                }
                k.link_of(&prev, &f)
            };
            prev.clone_from(&link);
            out.push((f, link));
        }
        let seq = out.len() as i64;
        let head = Head {
            seq,
            seal: Some(k.seal_head(seq, &prev)),
            hash: prev,
        };
        (out, head)
    }

    fn check(
        k: &ChainKey,
        keyed_from: i64,
        anchor: Option<Anchor>,
        records: &[(AuditFacts, String)],
        head: &Head,
    ) -> Result<Verified, ChainBreak> {
        let mut check = ChainCheck::new(k, keyed_from, anchor);
        for (f, link) in records {
            check.push(f, link)?;
        }
        check.finish(head)
    }

    #[test]
    fn a_keyed_link_is_hmac_sha256_of_prev_separator_and_record() {
        // Expected value computed independently with Python's hmac module:
        // hmac.new(bytes([7]*32), b"0"*64 + b"\x1f" + b"abc", "sha256").hexdigest()
        assert_eq!(
            key(7).link(GENESIS_HASH, b"abc"),
            "8d1f6a1d3290d8c95a8f5af668e795b62ab6407911ce273cf6d8e2bdbc81d1d3"
        );
        assert_ne!(
            key(7).link(GENESIS_HASH, b"abc"),
            chain_hash(GENESIS_HASH, b"abc")
        );
        assert_ne!(
            key(7).link(GENESIS_HASH, b"abc"),
            key(8).link(GENESIS_HASH, b"abc")
        );
    }

    #[test]
    fn a_chain_keyed_from_its_start_verifies_with_its_key_only() {
        let (records, head) = mixed_chain(&key(1), 0, 5);
        let verified = check(&key(1), 1, None, &records, &head).unwrap();
        assert_eq!((verified.records, verified.keyed_from), (5, 1));
        let wrong = check(&key(2), 1, None, &records, &head).unwrap_err();
        assert_eq!((wrong.seq, wrong.reason), (1, BreakReason::HashMismatch));
    }

    #[test]
    fn an_edited_record_rewritten_with_plain_hashes_is_found_at_its_sequence_number() {
        let (mut records, _) = mixed_chain(&key(1), 0, 6);
        // The attacker edits record 3 and recomputes every later link the only way they can.
        records[2].0.actor = "someone-else".into();
        let mut prev = records[1].1.clone();
        for (f, link) in records.iter_mut().skip(2) {
            *link = f.chain_hash(&prev);
            prev.clone_from(link);
        }
        let head = Head {
            seq: 6,
            hash: prev,
            seal: None,
        };
        let broken = check(&key(1), 1, None, &records, &head).unwrap_err();
        assert_eq!((broken.seq, broken.reason), (3, BreakReason::HashMismatch));
    }

    #[test]
    fn a_cut_off_tail_with_the_head_moved_back_breaks_the_seal() {
        let (mut records, head) = mixed_chain(&key(1), 0, 6);
        records.truncate(4);
        let moved = Head {
            seq: 4,
            hash: records[3].1.clone(),
            seal: head.seal.clone(),
        };
        let broken = check(&key(1), 1, None, &records, &moved).unwrap_err();
        assert_eq!(
            (broken.seq, broken.reason),
            (5, BreakReason::HeadSealMismatch)
        );
        // Without the head moved back, the head names records that are not there.
        let broken = check(&key(1), 1, None, &records, &head).unwrap_err();
        assert_eq!(
            broken.reason,
            BreakReason::HeadMismatch {
                head_seq: 6,
                records: 4
            }
        );
    }

    #[test]
    fn a_chain_started_with_sha256_links_verifies_from_its_marker_on() {
        let (records, head) = mixed_chain(&key(1), 3, 2);
        let verified = check(&key(1), 4, None, &records, &head).unwrap();
        assert_eq!((verified.records, verified.keyed_from), (6, 4));
        // Moving the boundary past the marker, or saying every link is keyed, breaks it.
        let moved = check(&key(1), 5, None, &records, &head).unwrap_err();
        assert_eq!(moved.seq, 4);
        assert_eq!(check(&key(1), 1, None, &records, &head).unwrap_err().seq, 1);
        // A boundary beyond the last record (every link read as SHA-256) has no marker.
        let legacy = chain(1, 6);
        let last = legacy[5].1.clone();
        let head = Head {
            seq: 6,
            seal: Some(key(1).seal_head(6, &last)),
            hash: last,
        };
        let beyond = check(&key(1), 7, None, &legacy, &head).unwrap_err();
        assert_eq!((beyond.seq, beyond.reason), (7, BreakReason::NotTheMarker));
    }

    #[test]
    fn an_anchor_proves_the_chain_up_to_its_record_and_finds_a_rewrite() {
        let (records, head) = mixed_chain(&key(1), 0, 6);
        let anchor = Anchor {
            seq: 4,
            mac: records[3].1[..MIN_ANCHOR_HEX].to_owned(),
        };
        let verified = check(&key(1), 1, Some(anchor.clone()), &records, &head).unwrap();
        assert_eq!(verified.anchor, Some(anchor.clone()));

        // Whoever holds the key rewrites record 2 and re-keys every later link and the head:
        // only the anchor still tells.
        let mut rewritten = records.clone();
        rewritten[1].0.detail = "rewritten".into();
        let mut prev = rewritten[0].1.clone();
        for (f, link) in rewritten.iter_mut().skip(1) {
            *link = key(1).link_of(&prev, f);
            prev.clone_from(link);
        }
        let head = Head {
            seq: 6,
            seal: Some(key(1).seal_head(6, &prev)),
            hash: prev,
        };
        assert!(check(&key(1), 1, None, &rewritten, &head).is_ok());
        let broken = check(&key(1), 1, Some(anchor.clone()), &rewritten, &head).unwrap_err();
        assert_eq!(
            (broken.seq, broken.reason),
            (4, BreakReason::AnchorMismatch)
        );

        // Cut back to before the anchor and re-keyed: the anchor's record is gone.
        let short: Vec<_> = rewritten[..3].to_vec();
        let last = short[2].1.clone();
        let head = Head {
            seq: 3,
            seal: Some(key(1).seal_head(3, &last)),
            hash: last,
        };
        let gone = check(&key(1), 1, Some(anchor), &short, &head).unwrap_err();
        assert_eq!((gone.seq, gone.reason), (4, BreakReason::AnchorBeyondChain));
    }

    #[test]
    fn anchors_are_read_as_sequence_colon_mac() {
        let mac = "AB".repeat(32);
        let anchor: Anchor = format!("12:{mac}").parse().unwrap();
        assert_eq!(anchor.seq, 12);
        assert_eq!(anchor.mac, mac.to_ascii_lowercase());
        assert_eq!(
            anchor.to_string(),
            format!("12:{}", mac.to_ascii_lowercase())
        );
        assert!(
            format!("12:{}", &mac[..MIN_ANCHOR_HEX])
                .parse::<Anchor>()
                .is_ok()
        );
        for bad in [
            "12".to_owned(),
            format!("0:{mac}"),
            format!("x:{mac}"),
            format!("12:{}", &mac[..MIN_ANCHOR_HEX - 1]),
            format!("12:{}zz", &mac[..MIN_ANCHOR_HEX]),
            format!("12:{mac}00"),
        ] {
            assert!(bad.parse::<Anchor>().is_err(), "{bad}");
        }
    }
}
