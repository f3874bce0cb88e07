use super::*;
use crate::prescriptions::drug::SCALE;
use crate::prescriptions::drug::{DosageForm, DrugClass, Micro, StrengthUnit};

const HEADER: &str = "code,generic_zh,generic_en,brands,kind,form,strength,strength_unit,piece_unit,package_size,package_unit,route,price_yuan,atc,ingredients,classes,antimicrobial,allergy_groups,pregnancy,child,elderly,adult_dose,adult_daily_max,child_dose_per_kg,child_daily_max_per_kg,source";

const AMOXICILLIN: &str = "EM0001,阿莫西林,Amoxicillin,阿莫仙,western,capsule,0.25,g,粒,24,盒,oral,9.80,J01CA04,amoxicillin,skin-test,unrestricted,penicillins,,,,0.5-1,4,0.0067-0.0133,0.09,说明书";
const WARFARIN: &str = "EM0002,华法林钠,Warfarin sodium,,western,tablet,2.5,mg,片,60,瓶,oral,25.00,B01AA03,warfarin,high-alert,,,avoid,,caution,1-10,10,,,药典";
const PATENT: &str = "PM0001,复方丹参,Compound Danshen,,patent,pill,27,mg,丸,180,瓶,oral,28.50,,danshen;sanqi;borneol,,,,caution,,,,,,,基本药物目录";

fn file(rows: &[&str]) -> String {
    format!("# comment\n{HEADER}\n{}\n", rows.join("\n"))
}

fn issues(rows: &[&str]) -> Vec<String> {
    parse_formulary(&file(rows))
        .unwrap_err()
        .into_iter()
        .map(|i| i.message.en)
        .collect()
}

#[test]
fn a_row_becomes_a_drug_with_its_classes_and_doses() {
    let drugs = parse_formulary(&file(&[AMOXICILLIN, WARFARIN, PATENT])).unwrap();
    let amoxicillin = &drugs[0];
    assert_eq!(amoxicillin.name().zh, "阿莫西林胶囊");
    assert_eq!(amoxicillin.specification(), "0.25g×24粒/盒");
    assert_eq!(amoxicillin.form, DosageForm::Capsule);
    assert_eq!(amoxicillin.strength_unit, StrengthUnit::G);
    assert_eq!(amoxicillin.price.fen(), 980);
    assert!(amoxicillin.has(DrugClass::SkinTest));
    assert_eq!(amoxicillin.allergy_groups, vec!["penicillins"]);
    assert_eq!(
        amoxicillin.adult_dose.per_dose,
        Some((Micro(500_000), Micro(SCALE)))
    );
    assert_eq!(amoxicillin.child_dose_per_kg.daily_max, Some(Micro(90_000)));
    assert_eq!(amoxicillin.atc_level4(), Some("J01CA"));
    assert_eq!(
        drugs[1].adult_dose.per_dose,
        Some((Micro(SCALE), Micro(10 * SCALE)))
    );
    assert_eq!(drugs[2].atc, None);
    assert_eq!(drugs[2].ingredients.len(), 3);
}

#[test]
fn every_bad_field_is_named_and_nothing_is_taken() {
    let bad = [
        AMOXICILLIN.replace("EM0001", "em1"),
        AMOXICILLIN.replace("capsule", "capsules"),
        AMOXICILLIN.replace(",0.25,g,", ",0,g,"),
        AMOXICILLIN.replace(",g,粒", ",kg,粒"),
        AMOXICILLIN.replace(",24,", ",0,"),
        AMOXICILLIN.replace(",oral,", ",mouth,"),
        AMOXICILLIN.replace("9.80", "-1"),
        AMOXICILLIN.replace("J01CA04", "J01"),
        AMOXICILLIN.replace("skin-test", "skin"),
        AMOXICILLIN.replace("unrestricted", "free"),
        AMOXICILLIN.replace("0.5-1,4", "1-0.5,4"),
        AMOXICILLIN.replace("0.5-1,4", "0.5-1,0.75"),
        AMOXICILLIN.replace(",amoxicillin,", ",,"),
        PATENT.replace(",,danshen", ",C01DX01,danshen"),
    ];
    let expected = [
        "code:",
        "form:",
        "strength:",
        "strength_unit:",
        "package_size:",
        "route:",
        "price_yuan:",
        "atc:",
        "classes:",
        "antimicrobial:",
        "adult_dose:",
        "adult_daily_max:",
        "ingredients:",
        "atc:",
    ];
    for (row, column) in bad.iter().zip(expected) {
        let found = issues(&[row]);
        assert_eq!(found.len(), 1, "{row}");
        assert!(found[0].contains(column), "{row}: {}", found[0]);
    }
    // Several bad lines are all reported, with their lines.
    let found = issues(&[
        AMOXICILLIN,
        WARFARIN,
        &AMOXICILLIN.replace("EM0001", "EM0003,"),
    ]);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("Line 5:"), "{}", found[0]);
    let twice = issues(&[AMOXICILLIN, AMOXICILLIN]);
    assert!(twice[0].contains("already on line 3"), "{}", twice[0]);
}

#[test]
fn search_finds_by_pinyin_initials_brand_english_and_code() {
    let formulary =
        Formulary::new(parse_formulary(&file(&[AMOXICILLIN, WARFARIN, PATENT])).unwrap());
    let first = |q: &str| formulary.search(q, 5).first().map(|h| h.drug.code.clone());
    assert_eq!(first("amxl").as_deref(), Some("EM0001"));
    assert_eq!(first("阿莫").as_deref(), Some("EM0001"));
    assert_eq!(first("阿莫仙").as_deref(), Some("EM0001"));
    assert_eq!(first("warfarin").as_deref(), Some("EM0002"));
    assert_eq!(first("hfl").as_deref(), Some("EM0002"));
    assert_eq!(first("em0002").as_deref(), Some("EM0002"));
    assert_eq!(first("fufang").as_deref(), Some("PM0001"));
    assert!(formulary.search("", 5).is_empty());
    assert!(formulary.search("zzzz", 5).is_empty());
    assert_eq!(formulary.get(" em0001 ").unwrap().generic.en, "Amoxicillin");
}

#[test]
fn the_shipped_seed_parses() {
    let seed = Formulary::seed();
    assert!(!seed.is_empty());
    assert!(SEED.lines().next().unwrap().starts_with('#'));
}

#[test]
fn the_shipped_tables_parse_and_agree() {
    use crate::prescriptions::{allergens, interactions, parse_allergens, parse_interactions};
    let formulary = Formulary::seed();
    assert!(formulary.len() > 500, "{}", formulary.len());
    let table = parse_interactions(interactions::SEED).expect("the shipped interactions parse");
    assert!(table.len() >= 200, "{}", table.len());
    let groups = parse_allergens(allergens::SEED).expect("the shipped allergen groups parse");
    assert!(groups.terms().len() >= 40);
    // The named pairs of the issue are in the table and found between the seed's drugs.
    let by_name = |name: &str| {
        formulary
            .drugs()
            .iter()
            .find(|d| d.name().zh == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    for (a, b) in [
        ("华法林片", "阿司匹林肠溶片"),
        ("氯吡格雷片", "奥美拉唑肠溶胶囊"),
        ("辛伐他汀片", "克拉霉素片"),
    ] {
        assert!(
            !table.between(by_name(a), by_name(b)).is_empty(),
            "{a} + {b}"
        );
    }
    assert!(groups.groups_of("青霉素").contains(&"penicillins"));
    assert!(
        by_name("阿莫西林胶囊")
            .allergy_groups
            .iter()
            .any(|g| g == "penicillins")
    );
}
