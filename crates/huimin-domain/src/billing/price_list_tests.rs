use super::*;
use proptest::prelude::*;

const HEADER: &str = "code,name_zh,name_en,category,unit_zh,unit_en,price_yuan,registration_class";

/// A file of the header and `lines`.
fn file(lines: &[&str]) -> String {
    let mut text = format!("{HEADER}\n");
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// The issues of a file that must be refused, as (line, English message).
fn refused(text: &str) -> Vec<(usize, String)> {
    parse_price_list(text)
        .expect_err("the file is refused")
        .into_iter()
        .map(|i| (i.line, i.message.en))
        .collect()
}

/// The one issue of a file with one bad item on line 2.
fn why(line: &str) -> String {
    let issues = refused(&file(&[line]));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].0, 2, "{issues:?}");
    issues[0].1.clone()
}

#[test]
fn a_good_file_gives_every_item_with_exact_fen() {
    let text = format!(
        "\u{feff}# 示例价格\n# demonstration values\n{HEADER}\n\
         110200001,普通门诊诊察费,Ordinary consultation,registration,次,visit,15,ordinary\n\
         \n\
         250101015, 血细胞分析 ,\"Blood count, complete\",lab,次,test,0.1,\n\
         H-CL-001,门诊病历本,Record booklet,material,本,booklet,¥1.05,\n"
    );
    let items = parse_price_list(&text).unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].code, "110200001");
    assert_eq!(items[0].price.fen(), 1500);
    assert_eq!(
        items[0].registration_class,
        Some(RegistrationClass::Ordinary)
    );
    assert_eq!(
        items[1].name,
        Text::new("血细胞分析", "Blood count, complete")
    );
    assert_eq!(items[1].category, PriceCategory::Lab);
    assert_eq!(items[1].price.fen(), 10);
    assert_eq!(items[1].registration_class, None);
    assert_eq!(items[2].unit, Text::new("本", "booklet"));
    assert_eq!(items[2].price.fen(), 105);
}

#[test]
fn every_bad_line_is_reported_with_the_line_an_editor_shows() {
    let text = format!(
        "# comment\n{HEADER}\n\
         A1,甲,A,exam,次,test,1,\n\
         # a comment between items\n\
         ,乙,B,exam,次,test,1,\n\
         B2,丙,C,exam,次,test,1.234,\n\
         C3,丁,D,exam,次,test,2,\n\
         A1,戊,E,exam,次,test,3,\n"
    );
    let issues = refused(&text);
    let lines: Vec<usize> = issues.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [5, 6, 8], "{issues:?}");
    assert!(issues[0].1.starts_with("Line 5: the code is empty"));
    assert!(issues[1].1.contains("more than 2 decimal places"));
    assert!(issues[2].1.contains("already on line 3"));
    let zh = &parse_price_list(&text).unwrap_err()[2].message.zh;
    assert_eq!(zh, "第 8 行：编码“A1”与第 3 行重复");
}

#[test]
fn codes_are_plain_ascii_of_at_most_40_characters() {
    assert!(why("挂号,甲,A,exam,次,t,1,").contains("letters, digits"));
    assert!(why("a b,甲,A,exam,次,t,1,").contains("is invalid"));
    assert!(why(&format!("{},甲,A,exam,次,t,1,", "x".repeat(41))).contains("is invalid"));
    assert!(parse_price_list(&file(&[&format!("{},甲,A,exam,次,t,1,", "x".repeat(40))])).is_ok());
    assert!(is_valid_code("H-CL.001_a"));
    assert!(!is_valid_code(""));
}

#[test]
fn names_and_units_must_be_present_short_and_free_of_markup() {
    assert!(why("A,,A,exam,次,t,1,").contains("the Chinese name is empty"));
    assert!(why("A,甲,,exam,次,t,1,").contains("the English name is empty"));
    let long = "长".repeat(101);
    assert!(why(&format!("A,{long},A,exam,次,t,1,")).contains("longer than 100"));
    let just = "长".repeat(100);
    assert!(parse_price_list(&file(&[&format!("A,{just},A,exam,次,t,1,")])).is_ok());
    assert!(why("A,甲,<b>A</b>,exam,次,t,1,").contains("must not contain < or >"));
    assert!(why("A,甲>,A,exam,次,t,1,").contains("must not contain"));
    assert!(why("A,甲,A,exam,,t,1,").contains("the Chinese unit is empty"));
}

#[test]
fn categories_and_classes_come_from_their_lists() {
    assert!(why("A,甲,A,surgery,次,t,1,").contains("unknown category \"surgery\""));
    assert!(why("A,甲,A,registration,次,t,1,vip").contains("unknown registration class"));
    assert!(why("A,甲,A,exam,次,t,1,expert").contains("only registration items"));
    let issues = refused(&file(&[
        "A,甲,A,registration,次,t,1,expert",
        "B,乙,B,registration,次,t,2,expert",
        "C,丙,C,registration,次,t,3,",
    ]));
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].0, 3);
    assert!(issues[0].1.contains("is already priced on line 2"));
}

#[test]
fn prices_are_non_negative_with_two_decimals_at_most_and_below_the_limit() {
    assert!(why("A,甲,A,exam,次,t,-1,").contains("bad price"));
    assert!(why("A,甲,A,exam,次,t,1e3,").contains("bad price"));
    assert!(why("A,甲,A,exam,次,t,,").contains("amount is empty"));
    assert!(why("A,甲,A,exam,次,t,100000.01,").contains("above the ¥100000.00 limit"));
    let top = parse_price_list(&file(&["A,甲,A,exam,次,t,100000,"])).unwrap();
    assert_eq!(top[0].price.fen(), MAX_PRICE_FEN);
    let free = parse_price_list(&file(&["A,甲,A,exam,次,t,0,"])).unwrap();
    assert_eq!(free[0].price, Money::ZERO);
}

#[test]
fn the_header_and_the_columns_must_be_the_ones_documented() {
    let issues = refused("code,name,price\nA,甲,1\n");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].0, 1);
    assert!(issues[0].1.contains("the header must be code,name_zh"));
    assert_eq!(refused("# only a comment\n")[0].0, 1);
    assert_eq!(refused("")[0].0, 1);
    assert!(why("A,甲,A,exam,次,t,1").contains("expected 8 columns, found 7"));
    assert!(why("A,\"甲,A,exam,次,t,1,").contains("unpaired quotes"));
    assert!(why("A,甲,A,exam,次,t,1,\rB,乙,B,exam,次,t,1,").contains("more than one row"));
    // Upper-case or padded header names are the same columns.
    let padded = HEADER.to_uppercase().replace(',', " , ");
    assert!(parse_price_list(&format!("{padded}\nA,甲,A,exam,次,t,1,\n")).is_ok());
}

#[test]
fn a_file_without_items_or_with_too_many_lines_is_refused_whole() {
    assert!(refused(&file(&[]))[0].1.contains("lists no items"));
    let mut text = file(&[]);
    for n in 0..MAX_LINES {
        text.push_str(&format!("C{n},甲,A,exam,次,t,1,\n"));
    }
    let issues = refused(&text);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].0, MAX_LINES + 1);
    assert!(issues[0].1.contains("more than the 5000 allowed"));
    let fits: String = text
        .lines()
        .take(MAX_LINES)
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(parse_price_list(&fits).unwrap().len(), MAX_LINES - 1);
}

#[test]
fn the_shipped_list_parses_with_one_item_for_each_registration_class() {
    let items = parse_price_list(include_str!("../../../../data/price-list.csv"))
        .unwrap_or_else(|issues| panic!("{issues:?}"));
    for class in RegistrationClass::ALL {
        let priced: Vec<_> = items
            .iter()
            .filter(|i| i.registration_class == Some(class))
            .collect();
        assert_eq!(priced.len(), 1, "{class:?}");
        assert_eq!(priced[0].category, PriceCategory::Registration);
    }
    for category in [
        PriceCategory::Registration,
        PriceCategory::Material,
        PriceCategory::Exam,
        PriceCategory::Lab,
        PriceCategory::Treatment,
    ] {
        assert!(items.iter().any(|i| i.category == category), "{category:?}");
    }
    assert!(items.len() >= 25);
}

#[test]
fn category_codes_round_trip_and_match_serde() {
    for c in PriceCategory::ALL {
        assert_eq!(PriceCategory::from_code(c.code()), Some(c));
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, format!("\"{}\"", c.code()));
        assert!(!c.label().zh.is_empty() && !c.label().en.is_empty());
    }
    assert_eq!(PriceCategory::from_code("Lab"), None);
}

/// Text shaped like a price list: the header, then lines of fields drawn from values that
/// hit every check (and some CSV quoting), so the fuzzing reaches past the header.
fn listish() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just(String::new()),
        Just("A1".to_owned()),
        Just("registration".to_owned()),
        Just("exam".to_owned()),
        Just("expert".to_owned()),
        Just("12.5".to_owned()),
        Just("\"a,\"\"b\"".to_owned()),
        Just("#".to_owned()),
        "[0-9.¥-]{0,8}",
        "\\PC{0,6}",
    ];
    let line = prop::collection::vec(field, 0..10).prop_map(|fields| fields.join(","));
    prop::collection::vec(line, 0..20).prop_map(|lines| format!("{HEADER}\n{}", lines.join("\n")))
}

proptest! {
    #[test]
    fn parsing_never_panics_on_any_text(text in "\\PC{0,400}") {
        let _ = parse_price_list(&text);
    }

    #[test]
    fn parsing_never_panics_and_names_real_lines(text in listish()) {
        let lines = text.lines().count().max(1);
        match parse_price_list(&text) {
            Ok(items) => prop_assert!(!items.is_empty()),
            Err(issues) => {
                prop_assert!(!issues.is_empty());
                for issue in issues {
                    prop_assert!((1..=lines).contains(&issue.line), "{} of {}", issue.line, lines);
                }
            }
        }
    }
}
