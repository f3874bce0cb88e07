use super::*;
use jiff::civil::date;
use proptest::prelude::*;

#[test]
fn default_split_of_twenty_places() {
    let s = split(20, &PoolPercentages::default());
    assert_eq!(
        s,
        PoolSplit {
            online: 12,
            window: 4,
            elderly: 2,
            referral: 2
        }
    );
}

#[test]
fn rounding_gives_extra_places_to_the_largest_remainders() {
    // 7 × (60, 20, 10, 10)% = 4.2, 1.4, 0.7, 0.7 → floors 4,1,0,0; two
    // left go to elderly then referral (remainder .7 beats .4 and .2).
    let s = split(7, &PoolPercentages::default());
    assert_eq!(
        s,
        PoolSplit {
            online: 4,
            window: 1,
            elderly: 1,
            referral: 1
        }
    );
    assert_eq!(split(1, &PoolPercentages::default()).online, 1);
}

#[test]
fn percentages_must_sum_to_100() {
    assert_eq!(PoolPercentages::default().validate(), Ok(()));
    let bad = PoolPercentages {
        online: 70,
        ..Default::default()
    };
    assert_eq!(bad.validate(), Err(PoolError::BadSum { sum: 110 }));
    assert!(bad.validate().unwrap_err().message().zh.contains("110"));
    let zero = PoolPercentages {
        online: 0,
        window: 0,
        elderly: 0,
        referral: 0,
    };
    assert_eq!(split(9, &zero).online, 9);
}

#[test]
fn reserved_places_go_online_a_day_before() {
    let s = PoolSplit {
        online: 1,
        window: 2,
        elderly: 3,
        referral: 4,
    };
    assert_eq!(
        release_reserved(s),
        PoolSplit {
            online: 8,
            window: 2,
            elderly: 0,
            referral: 0
        }
    );
    let start: Timestamp = "2026-03-16T00:00:00Z".parse().unwrap();
    let rule = ReservedRelease::default();
    assert!(!rule.is_due("2026-03-14T23:59:59Z".parse().unwrap(), start));
    assert!(rule.is_due("2026-03-15T00:00:00Z".parse().unwrap(), start));
}

#[test]
fn pools_by_channel() {
    use Pool::*;
    assert_eq!(pools_for(Channel::App, false, true), [Online]);
    assert_eq!(pools_for(Channel::App, true, false), [Online, Elderly]);
    assert_eq!(
        pools_for(Channel::Window, false, false),
        [Window, Elderly, Online]
    );
    assert_eq!(
        pools_for(Channel::Referral, false, true),
        [Referral, Online]
    );
    assert_eq!(pools_for(Channel::Referral, true, false), [Online]);
}

#[test]
fn elderly_from_the_65th_birthday() {
    let rule = ElderlyRule::default();
    assert!(!rule.applies(date(1961, 3, 2), date(2026, 3, 1)));
    assert!(rule.applies(date(1961, 3, 2), date(2026, 3, 2)));
    assert!(!is_elderly(date(1960, 2, 29), date(2025, 2, 28), 65));
    assert!(is_elderly(date(1960, 2, 29), date(2025, 3, 1), 65));
}

#[test]
fn pool_codes_round_trip() {
    for p in Pool::ALL {
        assert_eq!(Pool::from_code(p.code()), Some(p));
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            format!("\"{}\"", p.code())
        );
    }
    assert_eq!(Pool::Elderly.label().zh, "老年及特殊人群");
}

fn percentages() -> impl Strategy<Value = PoolPercentages> {
    (0u8..=100, 0u8..=100, 0u8..=100).prop_map(|(a, b, c)| {
        let mut cuts = [a, b, c];
        cuts.sort_unstable();
        PoolPercentages {
            online: cuts[0],
            window: cuts[1] - cuts[0],
            elderly: cuts[2] - cuts[1],
            referral: 100 - cuts[2],
        }
    })
}

proptest! {
    #[test]
    fn split_never_loses_or_invents_a_place(
        capacity in any::<u32>(),
        pct in percentages(),
    ) {
        prop_assert_eq!(pct.validate(), Ok(()));
        let s = split(capacity, &pct);
        prop_assert_eq!(s.total(), u64::from(capacity));
        prop_assert_eq!(release_reserved(s).total(), u64::from(capacity));
        // Each pool is within one place of its exact share.
        for (pool, share) in Pool::ALL.into_iter().zip(pct.shares()) {
            let exact = u64::from(capacity) * u64::from(share);
            let got = u64::from(s.get(pool)) * 100;
            prop_assert!(got + 100 > exact && got < exact + 100, "{:?}", pool);
        }
    }

    #[test]
    fn split_totals_hold_even_for_unvalidated_percentages(
        capacity in any::<u32>(),
        (online, window, elderly, referral) in (any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()),
    ) {
        let pct = PoolPercentages { online, window, elderly, referral };
        prop_assert_eq!(split(capacity, &pct).total(), u64::from(capacity));
    }
}
