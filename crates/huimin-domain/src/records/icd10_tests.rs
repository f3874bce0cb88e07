use super::*;

fn code(s: &str) -> Icd10Code {
    Icd10Code::parse(s).unwrap()
}

#[test]
fn codes_of_both_editions_are_read_and_made_canonical() {
    for (raw, canonical) in [
        ("I10", "I10"),
        ("j45.9", "J45.9"),
        ("I10.X00", "I10.x00"),
        ("J06.900", "J06.900"),
        (" i10.x00X002 ", "I10.x00x002"),
        ("A15.000x001", "A15.000x001"),
    ] {
        assert_eq!(code(raw).as_str(), canonical, "{raw}");
    }
    assert_eq!(code("I10.x00x002").category(), "I10");
}

#[test]
fn texts_that_are_no_code_are_refused() {
    for raw in [
        "",
        "I1",
        "I10.",
        "I10.00",
        "10I",
        "I1O",
        "I10x00",
        "I10.x00y002",
        "I10.x00x02",
        "高血压",
        "I10.x00x0022",
    ] {
        assert!(Icd10Code::parse(raw).is_err(), "{raw}");
    }
}

#[test]
fn chapters_follow_the_who_ranges() {
    for (category, roman) in [
        ("A09", "I"),
        ("B99", "I"),
        ("D48", "II"),
        ("D50", "III"),
        ("E11", "IV"),
        ("H59", "VII"),
        ("H60", "VIII"),
        ("I10", "IX"),
        ("J06", "X"),
        ("R50", "XVIII"),
        ("T14", "XIX"),
        ("W19", "XX"),
        ("Z00", "XXI"),
        ("U07", "XXII"),
    ] {
        assert_eq!(Chapter::of_category(category).roman(), roman, "{category}");
    }
    assert_eq!(Chapter::parse("ix"), Some(Chapter::of_category("I10")));
    assert_eq!(Chapter::parse("9"), Some(Chapter::of_category("I10")));
    assert_eq!(Chapter::parse("XXIII"), None);
}

#[test]
fn a_code_lies_under_its_prefixes() {
    let c = code("A15.000x001");
    assert!(c.starts_with("A15") && c.starts_with("a15.0") && c.starts_with("A1"));
    assert!(!c.starts_with("A16") && !c.starts_with("A15.1"));
}

const TABLE: &str = "# demo\ncode,name_zh,name_en,chapter\n\
I10,特发性（原发性）高血压,Essential (primary) hypertension,IX\n\
I10.x00,高血压,Hypertension,\n\
I10.x00x002,高血压病,,IX\n\
I11,高血压性心脏病,Hypertensive heart disease,\n\
E11.900,2型糖尿病,Type 2 diabetes mellitus,\n\
J06.900,急性上呼吸道感染,Acute upper respiratory infection,\n\
K29.700,胃炎,Gastritis,\n\
I20.000,不稳定型心绞痛,Unstable angina,\n";

#[test]
fn a_table_is_read_with_its_chapters_and_categories() {
    let entries = parse_icd10_table(TABLE).unwrap();
    assert_eq!(entries.len(), 8);
    assert_eq!(entries[1].code.as_str(), "I10.x00");
    assert_eq!(entries[1].chapter.roman(), "IX");
    assert_eq!(entries[2].category(), "I10");
    assert_eq!(entries[2].name_en, None);
}

#[test]
fn every_bad_line_is_reported_with_its_number() {
    let text = "code,name_zh,name_en,chapter\nI10,高血压,,\nI1O,坏,,\nJ06.900,,,\nI10,又一个,,\nE11,糖尿病,,IX\n\"J18,肺炎,,\n";
    let issues = parse_icd10_table(text).unwrap_err();
    let lines: Vec<usize> = issues.iter().map(|i| i.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7]);
    assert!(issues[0].message.en.contains("not an ICD-10 code"));
    assert!(issues[2].message.zh.contains("第 2 行"));
    assert!(issues[3].message.en.contains("IV"));
}

#[test]
fn a_file_without_the_header_or_without_codes_is_refused() {
    assert!(parse_icd10_table("code,name\nI10,高血压\n").is_err());
    assert!(parse_icd10_table("# only\ncode,name_zh,name_en,chapter\n").is_err());
}

#[test]
fn the_seed_table_is_valid_and_holds_the_demo_codes() {
    let entries = parse_icd10_table(include_str!("../../../../data/icd10/seed.csv")).unwrap();
    assert!(entries.len() >= 600, "{} codes", entries.len());
    let index = Icd10Index::new(entries);
    for demo in ["I10.x00", "E11.900", "J06.900", "J18.900", "K29.700"] {
        assert!(index.get(&code(demo)).is_some(), "{demo}");
    }
}

fn index() -> Icd10Index {
    Icd10Index::new(parse_icd10_table(TABLE).unwrap())
}

fn found(index: &Icd10Index, query: &str) -> Vec<String> {
    index
        .search(query, 20)
        .iter()
        .map(|h| h.entry.code.to_string())
        .collect()
}

#[test]
fn hypertension_is_found_by_initials_by_code_and_by_name() {
    let index = index();
    assert_eq!(found(&index, "gxy")[0], "I10.x00");
    assert_eq!(found(&index, "I10"), ["I10", "I10.x00", "I10.x00x002"]);
    assert_eq!(found(&index, "高血压")[0], "I10.x00");
    assert!(found(&index, "高血压").contains(&"I11".to_owned()));
}

#[test]
fn the_exact_code_goes_first_then_codes_under_it_then_names() {
    let index = index();
    let hits = index.search("i10.x00", 10);
    assert_eq!(hits[0].matched, Icd10Match::Code);
    assert_eq!(hits[1].entry.code.as_str(), "I10.x00x002");
    assert_eq!(hits[1].matched, Icd10Match::CodePrefix);
    assert_eq!(found(&index, "j069"), ["J06.900"]);
    // Shorter names first among names that match alike.
    assert_eq!(found(&index, "高血压")[..2], ["I10.x00", "I10.x00x002"]);
    assert_eq!(found(&index, "gastritis"), ["K29.700"]);
    assert!(found(&index, "zzz").is_empty());
    assert!(found(&index, " ").is_empty());
}

#[test]
fn a_search_returns_at_most_the_limit() {
    let index = index();
    assert_eq!(index.search("I", 2).len(), 2);
    let hits = index.search("I", 50);
    assert!(
        hits[..5]
            .iter()
            .all(|h| h.matched == Icd10Match::CodePrefix)
    );
    assert!(hits.len() > 5, "a letter alone also looks in names");
}
