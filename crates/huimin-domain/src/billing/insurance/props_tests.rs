//! Invariants of settlement and re-settlement over random policies, states and bills.

use proptest::prelude::*;

use super::fixtures::{YEAR, item};
use super::*;

fn rate() -> impl Strategy<Value = Rate> {
    (0u32..=100).prop_map(|p| Rate::from_percent(p).unwrap_or(Rate::ZERO))
}

fn rules() -> impl Strategy<Value = SchemeRules> {
    let money = (0i64..50_000, 0i64..50_000, 0i64..200_000, 0i64..3_000);
    let rates = ([rate(), rate(), rate()], [rate(), rate(), rate()], rate());
    (money, rates, any::<bool>(), any::<bool>()).prop_map(|(m, r, copay, self_funded)| {
        SchemeRules {
            deductible: m.0,
            retired_deductible: m.1,
            annual_cap: m.2,
            ratio: r.0,
            retired_ratio: r.1,
            b_first_self_pay: r.2,
            account_pays_copay: copay,
            account_pays_self_funded: copay && self_funded,
            consultation_codes: vec!["REG".to_owned()],
            consultation_pool: m.3,
        }
    })
}

fn policy() -> impl Strategy<Value = Policy> {
    (rules(), rules()).prop_map(|(employee, resident)| Policy {
        version: "prop".to_owned(),
        employee,
        resident,
    })
}

fn cover() -> impl Strategy<Value = Cover> {
    let state = (
        any::<bool>(),
        any::<bool>(),
        0i64..100_000,
        0i64..60_000,
        0i64..250_000,
    );
    prop_oneof![
        1 => Just(Cover::SelfPaying),
        4 => state.prop_map(|(employee, retired, balance, used, paid)| {
            Cover::Insured(InsuredState {
                scheme: if employee { Scheme::Employee } else { Scheme::Resident },
                retired,
                year: YEAR,
                account_balance: balance,
                deductible_used: used,
                pool_paid: paid,
            })
        }),
    ]
}

fn class() -> impl Strategy<Value = ItemClass> {
    prop_oneof![
        Just(ItemClass::A),
        Just(ItemClass::SelfFunded),
        proptest::option::of(rate()).prop_map(|first_self_pay| ItemClass::B { first_self_pay }),
    ]
}

fn items() -> impl Strategy<Value = Vec<ClaimItem>> {
    proptest::collection::vec((class(), 0i64..60_000, any::<bool>()), 0..8).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (class, amount, reg))| {
                let mut it = item(&format!("i{i}"), class, amount);
                if reg {
                    it.code = "REG".to_owned();
                }
                it
            })
            .collect()
    })
}

fn occasion() -> impl Strategy<Value = Occasion> {
    let level = prop_oneof![
        Just(HospitalLevel::One),
        Just(HospitalLevel::Two),
        Just(HospitalLevel::Three)
    ];
    (level, any::<bool>()).prop_map(|(level, use_account)| Occasion {
        level,
        year: YEAR,
        use_account,
    })
}

proptest! {
    #[test]
    fn parts_sum_to_amounts_nothing_is_negative_and_the_state_stays_in_bounds(
        policy in policy(), cover in cover(), occasion in occasion(), items in items(),
    ) {
        let s = settle(&policy, &cover, occasion, &items).unwrap();
        let mut totals = Split::default();
        for (line, it) in s.lines.iter().zip(&items) {
            let p = line.split;
            prop_assert_eq!(p.total(), it.amount);
            prop_assert!(p.pool >= 0 && p.account >= 0 && p.self_pay >= 0, "{:?}", p);
            totals = Split { pool: totals.pool + p.pool, account: totals.account + p.account,
                self_pay: totals.self_pay + p.self_pay };
        }
        prop_assert_eq!(s.lines.len(), items.len());
        prop_assert_eq!(s.totals, totals);
        prop_assert_eq!(s.delta.pool_paid, s.totals.pool);
        prop_assert_eq!(-s.delta.account_balance, s.totals.account);
        if let Cover::Insured(state) = &cover {
            let rules = policy.rules(state.scheme);
            prop_assert!(state.pool_paid + s.delta.pool_paid <= rules.annual_cap.max(state.pool_paid),
                "the pool never exceeds the cap");
            let deductible = rules.deductible(state.retired);
            prop_assert!(state.deductible_used + s.delta.deductible_used
                <= deductible.max(state.deductible_used));
            prop_assert!(s.totals.account <= state.account_balance);
            prop_assert!(s.delta.deductible_used >= 0);
        } else {
            prop_assert!(s.delta.is_zero());
        }
    }

    #[test]
    fn reversing_a_settlement_is_the_identity_on_the_state(
        policy in policy(), cover in cover(), occasion in occasion(), items in items(),
    ) {
        let s = settle(&policy, &cover, occasion, &items).unwrap();
        let after = cover.apply(&s.delta).unwrap();
        prop_assert_eq!(after.apply(&reverse(&s)).unwrap(), cover);
    }

    #[test]
    fn resettling_with_all_items_changes_nothing_and_with_none_reverses_all(
        policy in policy(), cover in cover(), occasion in occasion(), items in items(),
    ) {
        let previous = settle(&policy, &cover, occasion, &items).unwrap();
        let all = resettle(&policy, &previous, &items, &cover).unwrap();
        prop_assert_eq!(all.back, Split::default());
        prop_assert!(all.net_delta().is_zero());
        prop_assert_eq!(&all.settlement, &previous);
        let none = resettle(&policy, &previous, &[], &cover).unwrap();
        prop_assert!(none.settlement.lines.is_empty());
        prop_assert_eq!(none.back, previous.totals);
        prop_assert_eq!(none.net_delta(), reverse(&previous));
    }

    #[test]
    fn a_partial_refund_gives_back_exactly_the_refunded_amount(
        policy in policy(), cover in cover(), occasion in occasion(), items in items(),
        keep in proptest::collection::vec(any::<bool>(), 8), shrink in 0i64..=100,
    ) {
        let previous = settle(&policy, &cover, occasion, &items).unwrap();
        // Keep some items, some of them with fewer units (a smaller amount).
        let kept: Vec<ClaimItem> = items.iter().zip(&keep).filter(|(_, k)| **k)
            .map(|(it, _)| ClaimItem { amount: it.amount * shrink / 100, ..it.clone() })
            .collect();
        let redo = resettle(&policy, &previous, &kept, &cover).unwrap();
        let refunded: i64 = items.iter().map(|i| i.amount).sum::<i64>()
            - kept.iter().map(|i| i.amount).sum::<i64>();
        prop_assert_eq!(redo.back.total(), refunded);
        // The state after the refund is what settling the kept items alone would leave.
        let now = cover.apply(&previous.delta).unwrap();
        let after = now.apply(&redo.reversal).unwrap().apply(&redo.settlement.delta).unwrap();
        let direct = settle(&policy, &cover, occasion, &kept).unwrap();
        prop_assert_eq!(after, cover.apply(&direct.delta).unwrap());
    }
}
