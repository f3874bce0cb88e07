use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn under(age: u8) -> Eligibility {
    Eligibility {
        age_under: Some(age),
        ..Eligibility::default()
    }
}

fn from(age: u8) -> Eligibility {
    Eligibility {
        age_from: Some(age),
        ..Eligibility::default()
    }
}

fn born(birth: Date, sex: Sex) -> PatientFacts {
    PatientFacts {
        birth_date: Some(birth),
        sex: Some(sex),
    }
}

#[test]
fn under_fourteen_ends_the_day_before_the_fourteenth_birthday() {
    let child = born(date(2012, 5, 20), Sex::Male);
    assert_eq!(under(14).check(&child, date(2026, 5, 19)), Ok(()));
    assert_eq!(
        under(14).check(&child, date(2026, 5, 20)),
        Err(Ineligible::TooOld)
    );
    assert_eq!(
        under(14).check(&child, date(2026, 5, 21)),
        Err(Ineligible::TooOld)
    );
}

#[test]
fn sixty_and_over_starts_on_the_sixtieth_birthday() {
    let elder = born(date(1966, 3, 16), Sex::Female);
    assert_eq!(
        from(60).check(&elder, date(2026, 3, 15)),
        Err(Ineligible::TooYoung)
    );
    assert_eq!(from(60).check(&elder, date(2026, 3, 16)), Ok(()));
    assert_eq!(from(60).check(&elder, date(2026, 3, 17)), Ok(()));
}

#[test]
fn the_age_counts_on_the_visit_date_not_today() {
    // Thirteen when booking, fourteen on the day of the visit.
    let child = born(date(2012, 6, 1), Sex::Female);
    assert_eq!(under(14).check(&child, date(2026, 5, 31)), Ok(()));
    assert_eq!(
        under(14).check(&child, date(2026, 6, 1)),
        Err(Ineligible::TooOld)
    );
}

#[test]
fn a_leap_day_birthday_counts_from_the_first_of_march_in_common_years() {
    let leapling = born(date(2012, 2, 29), Sex::Male);
    assert_eq!(age_on(date(2012, 2, 29), date(2026, 2, 28)), 13);
    assert_eq!(age_on(date(2012, 2, 29), date(2026, 3, 1)), 14);
    assert_eq!(under(14).check(&leapling, date(2026, 2, 28)), Ok(()));
    assert_eq!(
        under(14).check(&leapling, date(2026, 3, 1)),
        Err(Ineligible::TooOld)
    );
    assert_eq!(age_on(date(2012, 2, 29), date(2028, 2, 29)), 16);
    assert_eq!(birthday(date(2012, 2, 29), 14), date(2026, 3, 1));
    assert_eq!(birthday(date(2012, 2, 29), 16), date(2028, 2, 29));
}

#[test]
fn open_dates_run_between_the_birthdays_and_need_the_facts() {
    let girls = Eligibility {
        age_from: Some(2),
        age_under: Some(14),
        sex: SexLimit::Female,
    };
    let girl = born(date(2012, 5, 20), Sex::Female);
    assert_eq!(
        girls.open_dates(&girl),
        Some((Some(date(2014, 5, 20)), Some(date(2026, 5, 20))))
    );
    assert_eq!(girls.open_dates(&born(date(2012, 5, 20), Sex::Male)), None);
    let no_birth = PatientFacts {
        sex: Some(Sex::Female),
        birth_date: None,
    };
    assert_eq!(girls.open_dates(&no_birth), None);
    assert_eq!(
        Eligibility::default().open_dates(&PatientFacts::default()),
        Some((None, None))
    );
}

#[test]
fn sex_limits_and_unknown_facts_are_explicit() {
    let women = Eligibility {
        sex: SexLimit::Female,
        ..Eligibility::default()
    };
    let boy = born(date(2020, 1, 1), Sex::Male);
    let day = date(2026, 3, 16);
    assert_eq!(women.check(&boy, day), Err(Ineligible::WrongSex));
    assert_eq!(
        women.check(&born(date(2020, 1, 1), Sex::Female), day),
        Ok(())
    );
    let unknown = PatientFacts::default();
    assert_eq!(women.check(&unknown, day), Err(Ineligible::SexUnknown));
    assert_eq!(
        under(14).check(&unknown, day),
        Err(Ineligible::BirthDateUnknown)
    );
    // Without limits nothing needs to be known.
    assert_eq!(Eligibility::default().check(&unknown, day), Ok(()));
    // A department limited only by sex does not need the birth date.
    let no_birth = PatientFacts {
        birth_date: None,
        sex: Some(Sex::Female),
    };
    assert_eq!(women.check(&no_birth, day), Ok(()));
    assert!(Ineligible::SexUnknown.is_unknown() && !Ineligible::WrongSex.is_unknown());
}

#[test]
fn a_known_mismatch_outranks_a_missing_fact() {
    let girls = Eligibility {
        age_under: Some(14),
        sex: SexLimit::Female,
        ..Eligibility::default()
    };
    let adult_of_unknown_sex = PatientFacts {
        birth_date: Some(date(1980, 1, 1)),
        sex: None,
    };
    assert_eq!(
        girls.check(&adult_of_unknown_sex, date(2026, 1, 1)),
        Err(Ineligible::TooOld)
    );
    let boy_of_unknown_age = PatientFacts {
        birth_date: None,
        sex: Some(Sex::Male),
    };
    assert_eq!(
        girls.check(&boy_of_unknown_age, date(2026, 1, 1)),
        Err(Ineligible::WrongSex)
    );
}

#[test]
fn the_sex_is_checked_before_the_age() {
    let girls = Eligibility {
        age_under: Some(14),
        sex: SexLimit::Female,
        ..Eligibility::default()
    };
    let man = born(date(1980, 1, 1), Sex::Male);
    assert_eq!(
        girls.check(&man, date(2026, 1, 1)),
        Err(Ineligible::WrongSex)
    );
}

#[test]
fn limits_read_as_a_phrase_in_both_languages() {
    let said = |e: Eligibility| e.describe().map(|t| (t.zh, t.en));
    assert_eq!(said(Eligibility::default()), None);
    assert_eq!(
        said(under(14)),
        Some((
            "仅接诊 14 岁以下患者".into(),
            "only sees patients under 14".into()
        ))
    );
    assert_eq!(
        said(from(60)),
        Some((
            "仅接诊 60 岁及以上患者".into(),
            "only sees patients aged 60 and over".into()
        ))
    );
    let women = Eligibility {
        sex: SexLimit::Female,
        ..Eligibility::default()
    };
    assert_eq!(
        said(women),
        Some(("仅接诊女性患者".into(), "only sees female patients".into()))
    );
    let teen_girls = Eligibility {
        age_from: Some(14),
        age_under: Some(18),
        sex: SexLimit::Female,
    };
    assert_eq!(
        said(teen_girls),
        Some((
            "仅接诊 14 岁及以上、18 岁以下的女性患者".into(),
            "only sees female patients aged 14 and over and under 18".into()
        ))
    );
}

#[test]
fn bounds_out_of_range_or_crossed_are_problems() {
    assert!(under(14).problems().is_empty());
    let fields = |e: Eligibility| e.problems().into_iter().map(|(f, _)| f).collect::<Vec<_>>();
    assert_eq!(fields(under(0)), ["age_under"]);
    assert_eq!(fields(from(121)), ["age_from"]);
    let crossed = Eligibility {
        age_from: Some(18),
        age_under: Some(18),
        ..Eligibility::default()
    };
    assert_eq!(fields(crossed), ["age_under"]);
    let (_, text) = &crossed.problems()[0];
    assert!(text.zh.contains("18") && text.en.contains("nobody could book"));
}

#[test]
fn limits_read_and_write_as_json() {
    let e: Eligibility = serde_json::from_str(r#"{"age_under": 14}"#).unwrap();
    assert_eq!(e, under(14));
    let text = serde_json::to_string(&e).unwrap();
    assert_eq!(text, r#"{"age_from":null,"age_under":14,"sex":"any"}"#);
    assert!(serde_json::from_str::<Eligibility>(r#"{"sex": "other"}"#).is_err());
    assert!(serde_json::from_str::<Eligibility>(r#"{"age_under": -1}"#).is_err());
    assert!(serde_json::from_str::<Eligibility>(r#"{"max_age": 3}"#).is_err());
}

proptest! {
    /// Once a patient is too old for `under N` they stay too old, and before they are old
    /// enough for `from N` they were never old enough: the limits cut the calendar once.
    #[test]
    fn age_limits_cut_a_life_once(
        birth_days in 0i64..40_000, first in 0i64..40_000, gap in 0i64..3_000, bound in 1u8..100
    ) {
        let epoch = date(1920, 1, 1);
        let birth = epoch.checked_add(jiff::Span::new().days(birth_days)).unwrap();
        let earlier = birth.checked_add(jiff::Span::new().days(first)).unwrap();
        let later = earlier.checked_add(jiff::Span::new().days(gap)).unwrap();
        let facts = born(birth, Sex::Female);
        prop_assert!(age_on(birth, earlier) <= age_on(birth, later));
        if under(bound).check(&facts, earlier).is_err() {
            prop_assert_eq!(under(bound).check(&facts, later), Err(Ineligible::TooOld));
        }
        if from(bound).check(&facts, later).is_err() {
            prop_assert_eq!(from(bound).check(&facts, earlier), Err(Ineligible::TooYoung));
        }
    }

    /// The open dates are exactly the dates `check` passes.
    #[test]
    fn open_dates_agree_with_check(
        birth_days in 0i64..40_000, visit_days in 0i64..45_000, low in 0u8..60, span in 1u8..60
    ) {
        let epoch = date(1920, 1, 1);
        let birth = epoch.checked_add(jiff::Span::new().days(birth_days)).unwrap();
        let visit = epoch.checked_add(jiff::Span::new().days(visit_days)).unwrap();
        let limits = Eligibility {
            age_from: (low > 0).then_some(low),
            age_under: Some(low.saturating_add(span)),
            sex: SexLimit::Any,
        };
        let facts = born(birth, Sex::Male);
        let (open_from, open_until) = limits.open_dates(&facts).unwrap();
        let inside = open_from.is_none_or(|d| visit >= d) && open_until.is_none_or(|d| visit < d);
        prop_assert_eq!(limits.check(&facts, visit).is_ok(), inside);
    }
}
