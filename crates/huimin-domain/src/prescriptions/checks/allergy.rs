//! `allergy`: a drug that matches an allergy on record is refused. An allergy is typed free
//! text (青霉素, 阿莫西林皮疹, Penicillin), so it matches a drug whose ingredient or name it
//! contains, or whose allergy group one of its terms stands for (青霉素 → `penicillins`).

use super::rules::ALLERGY;
use super::{Context, Finding, Severity};
use crate::i18n::Text;
use crate::prescriptions::allergens::Allergens;
use crate::prescriptions::drug::Drug;

/// Why a typed allergy matches a drug.
enum Reason<'a> {
    /// The allergy names the drug: one of its ingredients, its generic name or a brand.
    Named(String),
    /// The allergy stands for a group the drug belongs to.
    Group(&'a str),
}

fn reason<'a>(drug: &'a Drug, typed: &str, allergens: &Allergens) -> Option<Reason<'a>> {
    let lower = typed.to_lowercase();
    let names = drug
        .ingredients
        .iter()
        .chain([&drug.generic.zh, &drug.generic.en])
        .chain(&drug.brands);
    for name in names {
        let name = name.trim().to_lowercase();
        if !name.is_empty() && lower.contains(&name) {
            return Some(Reason::Named(name));
        }
    }
    let groups = allergens.groups_of(typed);
    drug.allergy_groups
        .iter()
        .find(|g| groups.contains(&g.as_str()))
        .map(|g| Reason::Group(g.as_str()))
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, line) in cx.p.lines.iter().enumerate() {
        for typed in &cx.patient.allergies {
            let typed = typed.trim();
            if typed.is_empty() {
                continue;
            }
            let Some(reason) = reason(&line.drug, typed, cx.tables.allergens) else {
                continue;
            };
            let name = line.drug.name();
            let mut data = vec![
                ("drug", line.drug.code.clone()),
                ("allergy", typed.to_owned()),
            ];
            let message = match reason {
                Reason::Named(found) => {
                    data.push(("matched", found.clone()));
                    Text::new(
                        format!("{}：患者对“{typed}”过敏（含{found}），禁止使用", name.zh),
                        format!(
                            "{}: the patient is allergic to \"{typed}\" (contains {found}); do not prescribe",
                            name.en
                        ),
                    )
                }
                Reason::Group(group) => {
                    data.push(("group", group.to_owned()));
                    Text::new(
                        format!(
                            "{}：患者对“{typed}”过敏，本药属同一过敏类别（{group}），禁止使用",
                            name.zh
                        ),
                        format!(
                            "{}: the patient is allergic to \"{typed}\" and the drug is in the same allergy group ({group}); do not prescribe",
                            name.en
                        ),
                    )
                }
            };
            out.push(Finding::new(
                ALLERGY,
                Severity::Block,
                vec![i],
                message,
                data,
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

    fn allergic_to(allergy: &str, drug: Drug) -> Case {
        let mut case = Case::new(vec![line(drug, "0.5", Frequency::Tid, 5)]);
        case.patient.allergies = vec![allergy.to_owned()];
        case
    }

    #[test]
    fn a_penicillin_allergy_blocks_amoxicillin_by_its_class() {
        let found = allergic_to("青霉素", fixtures::amoxicillin()).one(ALLERGY);
        assert_eq!(found.severity, Severity::Block);
        assert_eq!(found.lines, vec![0]);
        assert_eq!(datum(&found, "allergy"), "青霉素");
        assert_eq!(datum(&found, "group"), "penicillins");
        assert!(
            found
                .message
                .zh
                .starts_with("阿莫西林胶囊：患者对“青霉素”过敏")
        );
        assert!(found.message.en.contains("Amoxicillin capsule"));
    }

    #[test]
    fn an_allergy_naming_the_drug_blocks_it_in_either_language() {
        for (typed, matched) in [
            ("阿莫西林（皮疹）", "阿莫西林"),
            ("Amoxicillin", "amoxicillin"),
            ("amoxicillin rash", "amoxicillin"),
        ] {
            let found = allergic_to(typed, fixtures::amoxicillin()).one(ALLERGY);
            assert_eq!(datum(&found, "matched"), matched);
        }
        let mut brand = fixtures::amoxicillin();
        brand.brands = vec!["阿莫仙".to_owned()];
        brand.allergy_groups.clear();
        assert_eq!(allergic_to("阿莫仙", brand).one(ALLERGY).lines, vec![0]);
    }

    #[test]
    fn an_unrelated_allergy_or_an_empty_one_does_not_block() {
        assert!(
            allergic_to("头孢", fixtures::amoxicillin())
                .of(ALLERGY)
                .is_empty()
        );
        assert!(
            allergic_to("  ", fixtures::amoxicillin())
                .of(ALLERGY)
                .is_empty()
        );
        assert!(
            allergic_to("青霉素", fixtures::clarithromycin())
                .of(ALLERGY)
                .is_empty()
        );
    }

    #[test]
    fn each_allergy_matching_each_line_is_reported() {
        let mut case = Case::new(vec![
            line(fixtures::warfarin(), "2.5", Frequency::Qd, 7),
            line(fixtures::amoxicillin(), "0.5", Frequency::Tid, 5),
            line(fixtures::aspirin(), "100", Frequency::Qd, 7),
        ]);
        case.patient.allergies = vec!["青霉素".to_owned(), "阿司匹林".to_owned()];
        let lines: Vec<Vec<usize>> = case.of(ALLERGY).into_iter().map(|f| f.lines).collect();
        assert_eq!(lines, vec![vec![1], vec![2]]);
    }
}
