//! Duplicate therapy 重复用药: two drugs with the same active ingredient
//! (`duplicate-ingredient`), or else of the same ATC level-4 class (`duplicate-class`: two
//! statins), within the prescription or with a medicine the patient already takes — from
//! another department or hospital, which the message names.

use super::rules::{DUPLICATE_CLASS, DUPLICATE_INGREDIENT};
use super::{Context, Finding, Severity};
use crate::i18n::Text;
use crate::prescriptions::drug::Drug;

fn shared_ingredients(a: &Drug, b: &Drug) -> Vec<String> {
    a.ingredients
        .iter()
        .filter(|i| b.ingredients.iter().any(|j| j.eq_ignore_ascii_case(i)))
        .cloned()
        .collect()
}

fn same_class<'a>(a: &'a Drug, b: &Drug) -> Option<&'a str> {
    a.atc_level4()
        .filter(|class| b.atc_level4() == Some(*class))
}

/// The finding for `drug` (on a line) and `other` (another line, or taken from `from`).
fn compare(lines: Vec<usize>, drug: &Drug, other: &Drug, from: Option<&Text>) -> Option<Finding> {
    let (a, b) = (drug.name(), other.name());
    let (from_zh, from_en) = match from {
        Some(source) => (
            format!("（正在使用，来自{}）", source.zh),
            format!(" (already taken, from {})", source.en),
        ),
        None => (String::new(), String::new()),
    };
    let mut data = vec![("drug", drug.code.clone()), ("other", other.code.clone())];
    if let Some(source) = from {
        data.push(("from", source.zh.clone()));
    }
    let shared = shared_ingredients(drug, other);
    let (rule, message) = if !shared.is_empty() {
        let list = shared.join(", ");
        data.push(("ingredients", list.clone()));
        let message = Text::new(
            format!("{}与{}{from_zh}含相同成分（{list}），重复用药", a.zh, b.zh),
            format!(
                "{} and {}{from_en} share an ingredient ({list}): duplicate therapy",
                a.en, b.en
            ),
        );
        (DUPLICATE_INGREDIENT, message)
    } else {
        let class = same_class(drug, other)?;
        data.push(("atc", class.to_owned()));
        let message = Text::new(
            format!("{}与{}{from_zh}同属 ATC {class} 类，重复用药", a.zh, b.zh),
            format!(
                "{} and {}{from_en} are both in ATC class {class}: duplicate therapy",
                a.en, b.en
            ),
        );
        (DUPLICATE_CLASS, message)
    };
    Some(Finding::new(rule, Severity::Warn, lines, message, data))
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let lines = cx.p.lines;
    for (i, line) in lines.iter().enumerate() {
        for (j, other) in lines.iter().enumerate().skip(i + 1) {
            out.extend(compare(vec![i, j], &line.drug, &other.drug, None));
        }
        for taken in cx.active {
            out.extend(compare(
                vec![i],
                &line.drug,
                &taken.drug,
                Some(&taken.source),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{Case, datum, line};
    use super::*;
    use crate::prescriptions::fixtures;
    use crate::prescriptions::frequency::Frequency;

    #[test]
    fn the_same_ingredient_twice_warns_naming_it() {
        let mut combo = fixtures::clopidogrel();
        combo.code = "X1".to_owned();
        combo.ingredients.push("acetylsalicylic acid".to_owned());
        combo.atc = Some("B01AC30".to_owned());
        let case = Case::new(vec![
            line(fixtures::aspirin(), "100", Frequency::Qd, 7),
            line(combo, "75", Frequency::Qd, 7),
        ]);
        let found = case.one(DUPLICATE_INGREDIENT);
        assert_eq!(found.severity, Severity::Warn);
        assert_eq!(found.lines, vec![0, 1]);
        assert_eq!(datum(&found, "ingredients"), "acetylsalicylic acid");
        // Sharing an ingredient is the stronger finding: the class is not reported as well.
        assert!(case.of(DUPLICATE_CLASS).is_empty());
    }

    #[test]
    fn two_drugs_of_one_atc_level_4_class_warn() {
        let case = Case::new(vec![
            line(fixtures::simvastatin(), "20", Frequency::Qn, 7),
            line(fixtures::atorvastatin(), "20", Frequency::Qn, 7),
        ]);
        let found = case.one(DUPLICATE_CLASS);
        assert_eq!(datum(&found, "atc"), "C10AA");
        assert!(found.message.zh.contains("同属 ATC C10AA 类"));
        // Aspirin and clopidogrel are both B01AC: the class check sees them too.
        let antiplatelets = Case::new(vec![
            line(fixtures::aspirin(), "100", Frequency::Qd, 7),
            line(fixtures::clopidogrel(), "75", Frequency::Qd, 7),
        ]);
        assert_eq!(antiplatelets.one(DUPLICATE_CLASS).lines, vec![0, 1]);
    }

    #[test]
    fn a_medicine_taken_from_another_hospital_counts_and_is_named() {
        let case = Case::new(vec![line(
            fixtures::atorvastatin(),
            "20",
            Frequency::Qn,
            28,
        )])
        .taking(
            fixtures::simvastatin(),
            ("泉城市第一人民医院", "Quancheng First Hospital"),
        );
        let found = case.one(DUPLICATE_CLASS);
        assert_eq!(found.lines, vec![0]);
        assert!(
            found
                .message
                .zh
                .contains("辛伐他汀片（正在使用，来自泉城市第一人民医院）")
        );
        let same = Case::new(vec![line(fixtures::warfarin(), "2.5", Frequency::Qd, 7)])
            .taking(fixtures::warfarin(), ("心血管内科", "Cardiology"));
        assert_eq!(datum(&same.one(DUPLICATE_INGREDIENT), "from"), "心血管内科");
    }

    #[test]
    fn unrelated_drugs_and_drugs_without_atc_pass() {
        let mut patent = fixtures::amlodipine();
        patent.atc = None;
        patent.ingredients = vec!["danshen".to_owned()];
        let case = Case::new(vec![
            line(fixtures::amlodipine(), "5", Frequency::Qd, 7),
            line(fixtures::simvastatin(), "20", Frequency::Qn, 7),
            line(patent, "5", Frequency::Qd, 7),
        ]);
        assert!(case.of(DUPLICATE_INGREDIENT).is_empty());
        assert!(case.of(DUPLICATE_CLASS).is_empty());
    }
}
