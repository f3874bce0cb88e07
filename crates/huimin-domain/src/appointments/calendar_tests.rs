use super::*;
use jiff::civil::date;
use proptest::prelude::*;

#[test]
fn weekdays_work_and_weekends_rest_without_entries() {
    let cal = HolidayCalendar::new();
    assert!(cal.is_working_day(date(2030, 7, 1)));
    assert!(!cal.is_working_day(date(2030, 7, 6)));
    assert!(!cal.is_working_day(date(2030, 7, 7)));
}

#[test]
fn the_2026_spring_festival_is_off_and_its_saturdays_work() {
    let cal = china_2026();
    for day in 15..=23 {
        assert!(!cal.is_working_day(date(2026, 2, day)), "Feb {day}");
    }
    assert!(cal.is_working_day(date(2026, 2, 14)));
    assert!(cal.is_working_day(date(2026, 2, 28)));
    assert_eq!(cal.name(date(2026, 2, 17)), Some("春节"));
}

#[test]
fn the_2026_demo_has_every_announced_adjusted_workday_on_a_weekend() {
    let cal = china_2026();
    let workdays: Vec<_> = cal
        .iter()
        .filter(|(_, k)| *k == DayKind::AdjustedWorkday)
        .map(|(d, _)| d)
        .collect();
    let expected = [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)];
    assert_eq!(workdays, expected.map(|(m, d)| date(2026, m, d)));
    for d in workdays {
        assert!(
            matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday),
            "{d}"
        );
    }
    assert_eq!(
        cal.iter().filter(|(_, k)| *k == DayKind::Holiday).count(),
        33
    );
    // Outside the notice the calendar falls back to Mon–Fri instead of panicking.
    assert!(cal.is_working_day(date(2026, 12, 28)));
    assert!(cal.is_working_day(date(2027, 1, 4)));
}

#[test]
fn import_skips_comments_blank_lines_and_a_bom() {
    let text =
        "\u{feff}# 2027 draft\n\n2027-01-01, holiday ,元旦\r\n  # note\n2027-02-06,WORKDAY\n";
    let cal = parse_import(text).unwrap();
    assert_eq!(cal.kind(date(2027, 1, 1)), Some(DayKind::Holiday));
    assert_eq!(cal.name(date(2027, 1, 1)), Some("元旦"));
    assert_eq!(cal.kind(date(2027, 2, 6)), Some(DayKind::AdjustedWorkday));
    assert_eq!(cal.name(date(2027, 2, 6)), None);
    assert!(cal.is_working_day(date(2027, 2, 6)));
}

#[test]
fn import_errors_name_the_line() {
    let err = parse_import("# header\n2027-01-01,holiday\n2027-02-30,holiday\n").unwrap_err();
    assert_eq!(
        err,
        CalendarError::BadDate {
            line: 3,
            value: "2027-02-30".into()
        }
    );
    assert_eq!(
        err.message().zh,
        "第 3 行：“2027-02-30”不是有效日期，应为 YYYY-MM-DD"
    );
    assert_eq!(
        parse_import("2027-01-01").unwrap_err(),
        CalendarError::MissingKind { line: 1 }
    );
    assert_eq!(
        parse_import("2027-01-01,off").unwrap_err(),
        CalendarError::BadKind {
            line: 1,
            value: "off".into()
        }
    );
    assert_eq!(
        parse_import("2027-01-01,holiday\n2027-01-01,workday").unwrap_err(),
        CalendarError::Duplicate {
            line: 2,
            date: date(2027, 1, 1)
        }
    );
    for bad in [
        "2027-1-01",
        "2027-01-01T00:00",
        "27-01-01",
        "２０２７-01-01",
    ] {
        assert!(matches!(
            parse_import(&format!("{bad},holiday")),
            Err(CalendarError::BadDate { .. })
        ));
    }
}

#[test]
fn names_may_contain_commas() {
    let cal = parse_import("2027-05-01,holiday,劳动节, 第一天").unwrap();
    assert_eq!(cal.name(date(2027, 5, 1)), Some("劳动节, 第一天"));
}

fn entry() -> impl Strategy<Value = (Date, DayKind, Option<String>)> {
    (
        0i64..3000,
        prop_oneof![Just(DayKind::Holiday), Just(DayKind::AdjustedWorkday)],
        proptest::option::of("[^\r\n]{0,12}"),
    )
        .prop_map(|(offset, kind, name)| {
            let d = date(2025, 1, 1).saturating_add(jiff::Span::new().days(offset));
            (d, kind, name)
        })
}

proptest! {
    #[test]
    fn export_then_import_gives_the_same_calendar(
        entries in prop::collection::vec(entry(), 0..40),
    ) {
        let mut cal = HolidayCalendar::new();
        for (d, kind, name) in &entries {
            cal.set(*d, *kind, name.as_deref());
        }
        prop_assert_eq!(parse_import(&cal.to_import_text()), Ok(cal));
    }

    #[test]
    fn parse_import_never_panics(text in "\\PC{0,80}") {
        let _ = parse_import(&text);
    }
}

#[test]
fn an_imported_calendar_overlays_the_built_in_one() {
    let mut cal = china_2026();
    let imported = parse_import("2026-10-01,workday,改为上班\n2030-03-13,holiday,院庆\n").unwrap();
    cal.overlay(&imported);
    assert!(cal.is_working_day(date(2026, 10, 1)), "the import wins");
    assert_eq!(cal.name(date(2026, 10, 1)), Some("改为上班"));
    assert!(
        !cal.is_working_day(date(2030, 3, 13)),
        "a new date is added"
    );
    assert!(!cal.is_working_day(date(2026, 2, 16)), "the rest is kept");
}
