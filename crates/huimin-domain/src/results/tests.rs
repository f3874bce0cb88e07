use super::*;
use jiff::civil::date;

fn table() -> AnalyteTable {
    AnalyteTable::builtin()
}

fn amount(s: &str) -> Amount {
    Amount::parse(s).unwrap()
}

#[test]
fn the_builtin_table_parses_and_maps_the_contract_codes() {
    let t = table();
    for (code, loinc) in [
        ("WBC", "6690-2"),
        ("RBC", "789-8"),
        ("HGB", "718-7"),
        ("PLT", "777-3"),
        ("GLU", "1558-6"),
        ("K", "2823-3"),
        ("NA", "2951-2"),
        ("HBA1C", "4548-4"),
        ("CHOL", "2093-3"),
        ("TG", "2571-8"),
        ("HDL", "2085-9"),
        ("LDL", "13457-7"),
        ("CREA", "2160-0"),
        ("UREA", "3094-0"),
    ] {
        assert_eq!(t.by_code(code).unwrap().loinc, loinc);
        assert_eq!(t.by_loinc(loinc).unwrap().code, code);
    }
    assert_eq!(t.by_loinc("14682-9").unwrap().code, "CREA");
    assert!(
        t.by_loinc("12345-6").is_none(),
        "an unmapped LOINC is unknown"
    );
}

#[test]
fn panels_and_conclusions_by_item() {
    let t = table();
    let expect = |item: &str, codes: &[&str]| match t.shape(item) {
        Some(ReportShape::Panel(p)) => assert_eq!(p, codes, "{item}"),
        other => panic!("{item}: {other:?}"),
    };
    expect("LAB-CBC", &["WBC", "RBC", "HGB", "PLT"]);
    expect("LAB-GLU", &["GLU"]);
    expect("LAB-LYTES", &["K", "NA"]);
    expect("LAB-HBA1C", &["HBA1C"]);
    expect("LAB-LIPID", &["CHOL", "TG", "HDL", "LDL"]);
    expect("LAB-RENAL", &["CREA", "UREA"]);
    assert_eq!(t.shape("IMG-CXR"), Some(ReportShape::Conclusion));
    assert_eq!(t.shape("EXM-ECG"), Some(ReportShape::Conclusion));
    assert_eq!(t.shape("LAB-NOPE"), None);
    assert_eq!(t.shape("IMG-NOPE"), None);
    assert_eq!(t.report("LAB-CBC").unwrap().title.zh, "血常规");
}

#[test]
fn a_unit_that_does_not_fit_is_refused_and_synonyms_pass() {
    let t = table();
    let k = t.by_code("K").unwrap();
    assert!(check_value(k, "4.1", "mmol/L", "values[0]").is_ok());
    assert!(check_value(k, "4.1", "mEq/L", "values[0]").is_ok());
    let e = check_value(k, "4.1", "mg/dL", "values[0]").unwrap_err();
    assert_eq!(e.field, "values[0].unit");
    assert!(e.text.zh.contains("mmol/L"), "{}", e.text.zh);
    assert!(e.text.en.contains("does not fit"));
    let wbc = t.by_code("WBC").unwrap();
    assert!(check_value(wbc, "6.0", "10*9/L", "v").is_ok());
    assert!(check_value(wbc, "6.0", "10*12/L", "v").is_err());
}

#[test]
fn a_value_outside_physical_limits_is_refused() {
    let t = table();
    let wbc = t.by_code("WBC").unwrap();
    let e = check_value(wbc, "-1.0", "10*9/L", "values[0]").unwrap_err();
    assert_eq!(e.field, "values[0].value");
    assert!(
        e.text.zh.contains("超出可测范围（0–500 ×10⁹/L）"),
        "{}",
        e.text.zh
    );
    assert!(check_value(wbc, "0", "10*9/L", "v").is_ok());
    assert!(check_value(wbc, "500.0", "10*9/L", "v").is_ok());
    assert!(check_value(wbc, "500.1", "10*9/L", "v").is_err());
    let na = t.by_code("NA").unwrap();
    assert!(
        check_value(na, "12", "mmol/L", "v").is_err(),
        "sodium 12 is a typo for 120+"
    );
}

#[test]
fn a_value_that_is_not_a_number_is_refused() {
    let t = table();
    let glu = t.by_code("GLU").unwrap();
    for bad in ["", "abc", "5,6", "5.", ">22"] {
        let e = check_value(glu, bad, "mmol/L", "values[3]").unwrap_err();
        assert_eq!(e.field, "values[3].value", "{bad}");
    }
    assert_eq!(
        check_value(glu, " 5.60 ", "mmol/L", "v").unwrap().as_str(),
        "5.60",
        "the digits are kept"
    );
}

#[test]
fn reference_ranges_depend_on_sex_and_age_band() {
    let t = table();
    let hgb = t.by_code("HGB").unwrap();
    let v = amount("120");
    let male = interpret(hgb, &v, Some(Sex::Male), Some(40));
    assert_eq!(male.flag, Some(Flag::Low));
    assert_eq!(male.range.as_ref().unwrap().text(), "130–175");
    let female = interpret(hgb, &v, Some(Sex::Female), Some(40));
    assert_eq!(female.flag, Some(Flag::Normal));
    assert_eq!(female.range.unwrap().text(), "115–150");
    // Unknown sex where the intervals differ by sex: no interval, no flag.
    let unknown = interpret(hgb, &v, None, Some(40));
    assert_eq!(unknown.range, None);
    assert_eq!(unknown.flag, None);

    let crea = t.by_code("CREA").unwrap();
    let v = amount("105");
    assert_eq!(
        interpret(crea, &v, Some(Sex::Male), Some(59)).flag,
        Some(Flag::High)
    );
    assert_eq!(
        interpret(crea, &v, Some(Sex::Male), Some(60)).flag,
        Some(Flag::Normal),
        "the 60+ band is wider"
    );
    // Children have no adult interval.
    assert_eq!(interpret(crea, &v, Some(Sex::Male), Some(10)).range, None);
}

#[test]
fn flags_are_high_low_in_plain_words_and_one_sided_ranges_work() {
    let t = table();
    let k = t.by_code("K").unwrap();
    let high = interpret(k, &amount("5.4"), Some(Sex::Female), Some(30));
    assert_eq!(high.flag, Some(Flag::High));
    assert_eq!(high.code(), Some("H"));
    assert_eq!(Flag::High.text().zh, "偏高");
    assert_eq!(Flag::Low.text().en, "Low");
    // Bounds are inside the interval.
    assert_eq!(
        interpret(k, &amount("5.3"), None, Some(30)).flag,
        Some(Flag::Normal)
    );
    assert_eq!(
        interpret(k, &amount("3.5"), None, Some(30)).flag,
        Some(Flag::Normal)
    );
    let tg = t.by_code("TG").unwrap();
    assert_eq!(
        interpret(tg, &amount("0.2"), None, Some(30)).flag,
        Some(Flag::Normal)
    );
    assert_eq!(
        interpret(tg, &amount("1.71"), None, Some(30)).flag,
        Some(Flag::High)
    );
    let hdl = t.by_code("HDL").unwrap();
    assert_eq!(
        interpret(hdl, &amount("0.9"), None, Some(30)).flag,
        Some(Flag::Low)
    );
    assert_eq!(hdl.ranges[0].text(), "≥ 1.0");
}

#[test]
fn critical_values_are_found_beyond_their_limits_only() {
    let t = table();
    let k = t.by_code("K").unwrap();
    let c = interpret(k, &amount("6.8"), Some(Sex::Male), Some(50));
    assert_eq!(c.critical, Some(Critical::High));
    assert_eq!(c.code(), Some("HH"));
    assert_eq!(
        interpret(k, &amount("6.2"), None, Some(50)).critical,
        None,
        "the limit itself is not critical"
    );
    let low = interpret(k, &amount("2.5"), None, None);
    assert_eq!(low.critical, Some(Critical::Low));
    assert_eq!(low.code(), Some("LL"));
    assert_eq!(
        low.flag, None,
        "no interval for an unknown age, still critical"
    );
    // Lipids have no critical limits.
    let chol = t.by_code("CHOL").unwrap();
    assert_eq!(
        interpret(chol, &amount("15"), None, Some(40)).critical,
        None
    );
    assert_eq!(Critical::High.text().zh, "危急值（过高）");
}

#[test]
fn ages_are_whole_years_on_the_day_of_the_specimen() {
    assert_eq!(age_in_years(date(1960, 5, 20), date(2020, 5, 19)), Some(59));
    assert_eq!(age_in_years(date(1960, 5, 20), date(2020, 5, 20)), Some(60));
    assert_eq!(age_in_years(date(2024, 2, 29), date(2025, 2, 28)), Some(0));
    assert_eq!(age_in_years(date(2020, 1, 1), date(2019, 1, 1)), None);
}

#[test]
fn conclusions_are_required_and_bounded() {
    assert!(check_conclusion("  ").is_err());
    assert_eq!(
        check_conclusion(" 双肺未见异常。 ").unwrap(),
        "双肺未见异常。"
    );
    assert_eq!(
        check_conclusion(&"字".repeat(4001)).unwrap_err().field,
        "conclusion"
    );
}

#[test]
fn interpretation_codes_read_back() {
    for code in ["L", "LL", "H", "HH", "N"] {
        let (flag, critical) = Flag::from_code(code).unwrap();
        assert_eq!(flag.code(critical), code);
    }
    assert_eq!(Flag::from_code("A"), None);
}

#[test]
fn a_table_with_a_mistake_is_refused_with_its_place() {
    let one = |extra: &str| {
        format!(
            "[reports.LAB-X]\nzh = \"甲\"\nen = \"X\"\nanalytes = [\"A\"]\n[[analyte]]\ncode = \"A\"\nloinc = \"1-1\"\nzh = \"甲\"\nen = \"A\"\nunit = \"g/L\"\naccepted = []\n{extra}"
        )
    };
    assert!(AnalyteTable::parse(&one("min = \"0\"\nmax = \"10\"\n")).is_ok());
    let e = AnalyteTable::parse(&one("min = \"10\"\nmax = \"0\"\n")).unwrap_err();
    assert!(matches!(e, TableError::Analyte { .. }), "{e}");
    let e = AnalyteTable::parse(&one("min = \"0\"\nmax = \"ten\"\n")).unwrap_err();
    assert!(e.to_string().contains("max"), "{e}");
    let e = AnalyteTable::parse(&one(
        "min = \"0\"\nmax = \"10\"\n[[analyte.range]]\nlow = \"5\"\nhigh = \"20\"\n",
    ))
    .unwrap_err();
    assert!(e.to_string().contains("outside"), "{e}");
    let e = AnalyteTable::parse(&one(
        "min = \"0\"\nmax = \"10\"\n[[analyte.range]]\nsex = \"other\"\nlow = \"1\"\n",
    ))
    .unwrap_err();
    assert!(e.to_string().contains("sex"), "{e}");
    let e = AnalyteTable::parse(&one("min = \"0\"\nmax = \"10\"\n").replace("[\"A\"]", "[\"B\"]"))
        .unwrap_err();
    assert_eq!(
        e,
        TableError::UnknownInReport {
            item: "LAB-X".into(),
            code: "B".into()
        }
    );
    assert!(matches!(
        AnalyteTable::parse("nonsense ="),
        Err(TableError::Syntax(_))
    ));
}

#[test]
fn powers_of_ten_read_as_written_by_hand() {
    assert_eq!(unit_for_people("10*9/L"), "×10⁹/L");
    assert_eq!(unit_for_people("10*12/L"), "×10¹²/L");
    assert_eq!(unit_for_people("mmol/L"), "mmol/L");
    assert_eq!(unit_for_people("%"), "%");
    assert_eq!(unit_for_people("10*/L"), "10*/L");
}
