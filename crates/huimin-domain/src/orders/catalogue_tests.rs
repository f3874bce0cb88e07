use super::*;
use crate::billing::price_list::parse_price_list;

const CONTRACT: [&str; 9] = [
    "LAB-CBC",
    "LAB-GLU",
    "LAB-LYTES",
    "LAB-HBA1C",
    "LAB-LIPID",
    "LAB-RENAL",
    "IMG-CXR",
    "IMG-US-ABD",
    "EXM-ECG",
];

#[test]
fn the_shipped_catalogue_has_the_contract_items() {
    let c = Catalogue::builtin();
    for code in CONTRACT {
        assert!(c.get(code).is_some(), "{code}");
    }
    let cbc = c.get("LAB-CBC").unwrap();
    assert_eq!(cbc.name.zh, "血常规");
    assert_eq!(cbc.specimen_or_device.en, "EDTA whole blood");
    assert_eq!(cbc.category, OrderCategory::Lab);
    assert!(cbc.is_collected());
    assert!(!c.get("IMG-CXR").unwrap().is_collected());
    assert_eq!(c.get("EXM-ECG").unwrap().name.zh, "常规心电图");
}

#[test]
fn every_price_is_the_price_list_line_it_is_charged_as() {
    let list = parse_price_list(include_str!("../../../../data/price-list.csv")).unwrap();
    for item in Catalogue::builtin().all() {
        let line = list
            .iter()
            .find(|l| l.code == item.price_code)
            .unwrap_or_else(|| panic!("{}: no price-list line {}", item.code, item.price_code));
        assert_eq!(line.price, item.price, "{}", item.code);
        assert_eq!(
            line.category.code(),
            item.category.price_category(),
            "{}",
            item.code
        );
    }
}

#[test]
fn items_are_found_by_name_pinyin_and_code() {
    let c = Catalogue::builtin();
    let codes = |q: &str, cat: Option<OrderCategory>| -> Vec<String> {
        c.search(q, cat).iter().map(|i| i.code.clone()).collect()
    };
    assert_eq!(codes("xcg", None)[0], "LAB-CBC");
    assert_eq!(codes("血常规", None)[0], "LAB-CBC");
    assert_eq!(codes("xindiantu", None)[0], "EXM-ECG");
    assert_eq!(codes("LAB-GLU", None)[0], "LAB-GLU");
    assert!(codes("ultrasound", None).contains(&"IMG-US-ABD".to_owned()));
    assert_eq!(
        codes("", Some(OrderCategory::Imaging)),
        ["IMG-CXR", "IMG-US-ABD"]
    );
    assert!(codes("xcg", Some(OrderCategory::Imaging)).is_empty());
    assert_eq!(codes("", None).len(), c.len());
}

const GOOD: &str = r#"
[LAB-X]
name_zh = "某项"
name_en = "An item"
category = "lab"
recognised = true
recognition_scope = "city"
recognition_window_days = 7
specimen_zh = "血"
specimen_en = "Blood"
price_code = "1"
price_fen = 100
preparation_zh = "无"
preparation_en = "None"
turnaround_hours = 2
"#;

fn problems(text: &str) -> Vec<String> {
    Catalogue::parse(text)
        .unwrap_err()
        .into_iter()
        .map(|p| format!("{}: {}", p.item, p.text.en))
        .collect()
}

#[test]
fn a_bad_catalogue_is_refused_with_each_item_named() {
    assert_eq!(Catalogue::parse(GOOD).unwrap().len(), 1);
    let bad_loinc = format!("{GOOD}loinc = \"1558-5\"\n");
    assert!(problems(&bad_loinc)[0].contains("check digit"));
    assert!(problems(&GOOD.replace("\"lab\"", "\"surgery\""))[0].contains("Unknown category"));
    assert!(
        problems(&GOOD.replace("specimen_zh", "device_zh"))[0]
            .starts_with("LAB-X: A lab item names its specimen")
    );
    assert!(problems(&GOOD.replace("100", "0"))[0].contains("positive"));
    assert!(problems(&GOOD.replace("= 2\n", "= 0\n"))[0].contains("turnaround"));
    assert!(problems(&GOOD.replace("[LAB-X]", "[\"lab x\"]"))[0].contains("item code"));
    assert!(problems(&format!("{GOOD}colour = \"red\"\n"))[0].contains("cannot be read"));
    assert!(problems("")[0].contains("empty"));
    assert!(problems(&GOOD.replace("= 7\n", "= 0\n"))[0].contains("validity window"));
    assert!(problems(&GOOD.replace("\"city\"", "\"county\""))[0].contains("scope"));
}

#[test]
fn the_shipped_catalogue_recognises_lab_and_imaging_with_windows_of_their_own() {
    let c = Catalogue::builtin();
    let cbc = c.get("LAB-CBC").unwrap().recognition;
    assert!(cbc.recognised());
    assert_eq!(cbc.window_days(), 7);
    assert!(c.get("IMG-CXR").unwrap().recognition.recognised());
    assert!(!c.get("LAB-UA").unwrap().recognition.recognised());
}
