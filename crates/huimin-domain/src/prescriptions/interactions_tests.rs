use super::*;
use crate::prescriptions::fixtures;

const HEADER: &str = "a,b,severity,effect_zh,effect_en,advice_zh,advice_en,source\n";

/// A small table in the file's own format, shared with the checks' tests.
pub(crate) const TABLE: &str = "\
# Test table
a,b,severity,effect_zh,effect_en,advice_zh,advice_en,source
warfarin,acetylsalicylic acid,major,出血风险增加,Increased bleeding risk,避免合用；如必须合用，监测INR并观察出血征象,Avoid; if needed monitor INR and bleeding,Stockley's Drug Interactions
clopidogrel,omeprazole,major,氯吡格雷抗血小板作用减弱,Reduced antiplatelet effect of clopidogrel,改用泮托拉唑等其他质子泵抑制剂,Use pantoprazole or another PPI instead,FDA Drug Safety Communication 2009
simvastatin,clarithromycin,contraindicated,辛伐他汀血药浓度升高，横纹肌溶解风险,Raised simvastatin levels; rhabdomyolysis,禁止合用；克拉霉素疗程中暂停辛伐他汀,Do not combine; pause simvastatin during clarithromycin,辛伐他汀说明书
warfarin,atc:M01A,major,出血风险增加,Increased bleeding risk,避免合用；必要时监测INR,Avoid; monitor INR if needed,Stockley's Drug Interactions
";

pub(crate) fn table() -> Interactions {
    parse_interactions(TABLE).unwrap()
}

fn issues(rows: &str) -> Vec<String> {
    parse_interactions(&format!("{HEADER}{rows}"))
        .unwrap_err()
        .into_iter()
        .map(|i| i.message.zh)
        .collect()
}

#[test]
fn a_pair_is_found_in_either_order_with_its_advice() {
    let table = table();
    assert_eq!(table.len(), 4);
    let (warfarin, aspirin) = (fixtures::warfarin(), fixtures::aspirin());
    for found in [
        table.between(&warfarin, &aspirin),
        table.between(&aspirin, &warfarin),
    ] {
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, InteractionSeverity::Major);
        assert!(found[0].advice.zh.contains("监测INR"));
    }
    let statin = table.between(&fixtures::clarithromycin(), &fixtures::simvastatin());
    assert_eq!(statin[0].severity, InteractionSeverity::Contraindicated);
    assert!(table.between(&fixtures::amlodipine(), &warfarin).is_empty());
    assert!(table.between(&warfarin, &warfarin).is_empty());
}

#[test]
fn an_atc_class_side_covers_every_drug_of_the_class() {
    let table = table();
    // Ibuprofen is M01AE01, inside atc:M01A.
    let found = table.between(&fixtures::ibuprofen_suspension(), &fixtures::warfarin());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].b, Side::Atc("M01A".to_owned()));
    let mut other = fixtures::ibuprofen_suspension();
    other.atc = Some("M02AA13".to_owned());
    assert!(table.between(&other, &fixtures::warfarin()).is_empty());
}

#[test]
fn a_drug_matching_several_rows_gets_each_once_most_severe_first() {
    let table = table();
    // A combination holding both simvastatin and acetylsalicylic acid, against a drug holding
    // clarithromycin and warfarin.
    let mut combo = fixtures::simvastatin();
    combo.ingredients.push("acetylsalicylic acid".to_owned());
    let mut other = fixtures::clarithromycin();
    other.ingredients.push("warfarin".to_owned());
    let found = table.between(&combo, &other);
    let severities: Vec<_> = found.iter().map(|r| r.severity).collect();
    assert_eq!(
        severities,
        vec![
            InteractionSeverity::Contraindicated,
            InteractionSeverity::Major
        ]
    );
}

#[test]
fn a_pair_listed_twice_in_either_order_is_refused_at_its_second_line() {
    let row = "warfarin,acetylsalicylic acid,major,效应,effect,建议,advice,src\n";
    let reversed = "acetylsalicylic acid,warfarin,moderate,效应,effect,建议,advice,src\n";
    let found = issues(&format!("{row}{reversed}"));
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("第 3 行："), "{}", found[0]);
    assert!(found[0].contains("已在第 2 行列出"), "{}", found[0]);
}

#[test]
fn bad_rows_name_their_field() {
    let found = issues(
        "warfarin,warfarin,major,效应,effect,建议,advice,src\n\
         warfarin,aspirin,severe,效应,effect,建议,advice,src\n\
         Warfarin,aspirin,major,效应,effect,建议,advice,src\n\
         warfarin,atc:M1A,major,效应,effect,建议,advice,src\n\
         warfarin,heparin,major,,effect,建议,advice,src\n\
         warfarin,heparin,major,效应,effect,建议,advice,\n",
    );
    assert_eq!(found.len(), 6, "{found:#?}");
    assert!(found[0].contains("a 与 b 相同"));
    assert!(found[1].contains("severity 列的值“severe”无效"));
    assert!(found[1].contains("contraindicated, major, moderate"));
    assert!(found[2].contains("a 列：成分“Warfarin”无效"));
    assert!(found[3].contains("b 列：ATC 类别“M1A”无效"));
    assert!(found[4].contains("effect_zh 列不能为空"));
    assert!(found[5].contains("source 列不能为空"));
}

#[test]
fn atc_prefixes_follow_the_code_levels() {
    for good in ["N", "N02", "N02B", "N02BE", "N02BE01"] {
        assert!(is_atc_prefix(good), "{good}");
    }
    for bad in ["", "N0", "n02", "N02BE0", "N02BE011", "102B", "N02b"] {
        assert!(!is_atc_prefix(bad), "{bad}");
    }
}

#[test]
fn a_large_table_is_looked_up_by_index() {
    // 5,000 pairs among made-up ingredients, and the four real ones: lookups still find
    // exactly the rows of the drugs asked about.
    let mut text = String::from(TABLE);
    for i in 0..5_000 {
        text.push_str(&format!(
            "drug{i},other{i},moderate,效应,effect,建议,advice,src\n"
        ));
    }
    let table = parse_interactions(&text).unwrap();
    assert_eq!(table.len(), 5_004);
    let found = table.between(&fixtures::omeprazole(), &fixtures::clopidogrel());
    assert_eq!(found.len(), 1);
    let mut made_up = fixtures::amlodipine();
    made_up.ingredients = vec!["other4321".to_owned()];
    let mut partner = fixtures::amlodipine();
    partner.ingredients = vec!["drug4321".to_owned()];
    assert_eq!(table.between(&partner, &made_up).len(), 1);
}
