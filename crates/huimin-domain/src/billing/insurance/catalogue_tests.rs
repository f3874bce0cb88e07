use super::*;
use crate::billing::price_list::parse_price_list;
use crate::prescriptions::formulary::parse_formulary;

const HEADER: &str = "scope,code,class,first_self_pay_pct,name_zh\n";

#[test]
fn codes_then_categories_then_self_funded() {
    let cat = parse_catalogue(&format!(
        "{HEADER}item,X1,a,,甲\ndrug,D1,b,15,乙\ncategory,exam,b,,检查\ncategory,lab,a,,检验\n"
    ))
    .unwrap();
    assert_eq!(cat.class_of("X1", Some(PriceCategory::Exam)), ItemClass::A);
    assert_eq!(
        cat.class_of("D1", Some(PriceCategory::Drug)),
        ItemClass::B {
            first_self_pay: Rate::from_percent(15)
        }
    );
    assert_eq!(
        cat.class_of("X2", Some(PriceCategory::Exam)),
        ItemClass::B {
            first_self_pay: None
        }
    );
    assert_eq!(
        cat.class_of("D9", Some(PriceCategory::Drug)),
        ItemClass::SelfFunded
    );
    assert_eq!(cat.class_of("X2", None), ItemClass::SelfFunded);
}

#[test]
fn every_bad_line_is_reported() {
    let text = format!(
        "{HEADER}item,X1,a,,甲\nitem,X1,a,,again\nplace,X3,a,,\ncategory,food,a,,\n\
         item,X4,a,10,\nitem,X5,b,120,\nitem,X6,d,,\nitem,a b,a,,\ndrug,X1,a,,\n"
    );
    let issues = parse_catalogue(&text).unwrap_err();
    let lines: Vec<usize> = issues.iter().map(|i| i.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6, 7, 8, 9, 10]);
    assert!(issues[0].message.en.contains("already on line 2"));
    assert!(issues[3].message.en.contains("only class b"));
    assert!(
        issues[7].message.en.contains("already on line 2"),
        "drug and item codes share one space"
    );
}

#[test]
fn the_shipped_catalogue_names_only_codes_the_price_list_or_formulary_has() {
    let cat = Catalogue::demo().unwrap();
    let prices = parse_price_list(include_str!("../../../../../data/price-list.csv")).unwrap();
    let drugs = parse_formulary(include_str!("../../../../../data/formulary.csv")).unwrap();
    for code in cat.codes() {
        assert!(
            prices.iter().any(|p| p.code == code) || drugs.iter().any(|d| d.code == code),
            "{code} is in neither the price list nor the formulary"
        );
    }
    // Every price-list item gets a class a person chose (its row or its category's), and the
    // special-needs clinic stays self-funded, as it is everywhere.
    for item in &prices {
        let named =
            cat.codes().any(|c| c == item.code) || cat.categories.contains_key(&item.category);
        assert!(named, "{} has no class", item.code);
    }
    assert_eq!(
        cat.class_of("H-TX-001", Some(PriceCategory::Registration)),
        ItemClass::SelfFunded
    );
}
