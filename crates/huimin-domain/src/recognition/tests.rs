use jiff::civil::date;

use super::*;

fn setting(recognised: bool, scope: &str, days: i64) -> RecognitionSetting {
    RecognitionSetting::parse(recognised, scope, days).unwrap()
}

fn external(issued_on: jiff::civil::Date, mark: Scope) -> Evidence {
    Evidence {
        issued_on,
        source: Source::External { mark },
    }
}

#[test]
fn a_result_on_the_last_day_of_its_window_is_offered_and_the_next_day_is_not() {
    let s = setting(true, "city", 7);
    let today = date(2026, 12, 7);
    assert_eq!(
        offer(s, external(date(2026, 11, 30), Scope::City), today),
        Ok(())
    );
    assert_eq!(
        offer(s, external(date(2026, 11, 29), Scope::City), today),
        Err(NotOffered::Expired)
    );
    assert_eq!(
        offer(s, external(today, Scope::City), today),
        Ok(()),
        "issued today"
    );
}

#[test]
fn a_result_issued_after_today_is_never_offered() {
    let s = setting(true, "city", 30);
    assert_eq!(
        offer(
            s,
            external(date(2026, 12, 8), Scope::National),
            date(2026, 12, 7)
        ),
        Err(NotOffered::Future)
    );
}

#[test]
fn an_item_not_recognised_offers_nothing_even_from_this_hospital() {
    let s = setting(false, "city", 30);
    let own = Evidence {
        issued_on: date(2026, 12, 6),
        source: Source::Own,
    };
    assert_eq!(
        offer(s, own, date(2026, 12, 7)),
        Err(NotOffered::NotRecognised)
    );
}

#[test]
fn a_mark_serves_its_own_scope_and_every_narrower_one() {
    let today = date(2026, 12, 7);
    let issued = date(2026, 12, 1);
    for required in Scope::ALL {
        let s = setting(true, required.code(), 30);
        for mark in Scope::ALL {
            let expected = if mark >= required {
                Ok(())
            } else {
                Err(NotOffered::OutOfScope)
            };
            assert_eq!(
                offer(s, external(issued, mark), today),
                expected,
                "{mark:?} for {required:?}"
            );
        }
    }
    assert!(Scope::National.covers(Scope::Alliance));
    assert!(!Scope::Alliance.covers(Scope::City));
    assert!(!Scope::Province.covers(Scope::National));
}

#[test]
fn this_hospitals_own_results_need_no_mark() {
    let s = setting(true, "national", 30);
    let own = Evidence {
        issued_on: date(2026, 12, 1),
        source: Source::Own,
    };
    assert_eq!(offer(s, own, date(2026, 12, 7)), Ok(()));
}

#[test]
fn settings_refuse_a_window_outside_1_to_3650_days_and_unknown_scopes() {
    for days in [0, -1, 3651, i64::MAX] {
        let refused = RecognitionSetting::parse(true, "city", days).unwrap_err();
        assert_eq!(refused.field, "window_days", "{days}");
    }
    assert!(RecognitionSetting::parse(true, "city", 1).is_ok());
    assert!(RecognitionSetting::parse(true, "city", 3650).is_ok());
    let refused = RecognitionSetting::parse(true, "region", 30).unwrap_err();
    assert_eq!(refused.field, "scope");
}

#[test]
fn a_setting_reads_back_what_it_wrote_and_nothing_else() {
    for s in [
        setting(true, "alliance", 1),
        setting(false, "national", 3650),
    ] {
        assert_eq!(RecognitionSetting::decode(&s.encode()), Some(s));
    }
    for bad in [
        "",
        "on",
        "yes|city|3",
        "on|city|0",
        "on|city|3|x",
        "on|town|3",
    ] {
        assert_eq!(RecognitionSetting::decode(bad), None, "{bad}");
    }
}

#[test]
fn retest_reasons_round_trip_and_details_are_bounded() {
    for r in RetestReason::ALL {
        assert_eq!(RetestReason::from_code(r.code()), Some(r));
        assert!(!r.plain().zh.is_empty() && !r.plain().en.is_empty());
    }
    assert_eq!(RetestReason::from_code("cheaper"), None);
    assert_eq!(check_detail(Some("  ")), Ok(None));
    assert_eq!(
        check_detail(Some(" 胸痛加重 ")),
        Ok(Some("胸痛加重".to_owned()))
    );
    assert!(check_detail(Some(&"字".repeat(201))).is_err());
    assert!(check_detail(Some("a\u{0}b")).is_err());
}

#[test]
fn credit_codes_are_held_to_their_check_character() {
    // A published example code of GB 32100-2015 (the State Administration's own).
    assert!(credit_code_ok("91350100M000100Y43"));
    assert!(!credit_code_ok("91350100M000100Y44"));
    assert!(!credit_code_ok("91350100M000100Y4"));
    assert!(
        !credit_code_ok("91350100M000100YI3"),
        "I is not a code character"
    );
    assert!(check_institution_id(InstitutionIdKind::LicenceNumber, "PDY00001X").is_ok());
    assert!(check_institution_id(InstitutionIdKind::LicenceNumber, "pdy 1").is_err());
    assert!(hospital_level_ok("三级甲等"));
    assert!(!hospital_level_ok("四级甲等"));
}
