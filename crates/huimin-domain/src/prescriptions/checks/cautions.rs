//! Cautions for groups of patients: children under 18 (`child-caution`), pregnancy
//! (`pregnancy-caution`), 65 and over (`elderly-caution`). They warn, so the doctor writes why;
//! a drug marked `avoid` still warns (the label says 禁用, the doctor may know better, the
//! pharmacist sees the reason), but its message says 禁用.

use super::dose::CHILD_MONTHS;
use super::rules::{CHILD_CAUTION, ELDERLY_CAUTION, PREGNANCY_CAUTION};
use super::{Context, Finding, Severity};
use crate::i18n::Text;
use crate::prescriptions::drug::{Caution, Drug};

/// 65 years and over: 老年人.
const ELDERLY_MONTHS: u32 = 65 * 12;

/// 3岁 / 18个月: how old the patient is, as a doctor says it.
fn age(months: u32) -> Text {
    if months < 24 {
        Text::new(format!("{months}个月"), format!("{months} months old"))
    } else {
        let years = months / 12;
        Text::new(format!("{years}岁"), format!("{years} years old"))
    }
}

fn finding(
    rule: &'static str,
    i: usize,
    drug: &Drug,
    caution: Caution,
    (group_zh, group_en): (&str, &str),
    patient: Text,
) -> Finding {
    let name = drug.name();
    let en_verb = match caution {
        Caution::Caution => "use with caution",
        Caution::Avoid => "do not use (contraindicated)",
    };
    Finding::new(
        rule,
        Severity::Warn,
        vec![i],
        Text::new(
            format!(
                "{}：{group_zh}{}（患者{}）",
                name.zh,
                caution.zh(),
                patient.zh
            ),
            format!(
                "{}: {en_verb} in {group_en} (the patient is {})",
                name.en, patient.en
            ),
        ),
        vec![
            ("drug", drug.code.clone()),
            ("caution", caution.code().to_owned()),
        ],
    )
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let months = cx.patient.age_months;
    for (i, line) in cx.p.lines.iter().enumerate() {
        let drug = &line.drug;
        if let Some(caution) = drug.child.filter(|_| months < CHILD_MONTHS) {
            out.push(finding(
                CHILD_CAUTION,
                i,
                drug,
                caution,
                ("儿童", "children"),
                age(months),
            ));
        }
        if let Some(caution) = drug.pregnancy.filter(|_| cx.patient.pregnant) {
            let pregnant = Text::new("妊娠期", "pregnant");
            out.push(finding(
                PREGNANCY_CAUTION,
                i,
                drug,
                caution,
                ("孕妇", "pregnancy"),
                pregnant,
            ));
        }
        if let Some(caution) = drug.elderly.filter(|_| months >= ELDERLY_MONTHS) {
            out.push(finding(
                ELDERLY_CAUTION,
                i,
                drug,
                caution,
                ("老年人", "the elderly"),
                age(months),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{Case, datum, line, years};
    use super::*;
    use crate::prescriptions::fixtures;
    use crate::prescriptions::frequency::Frequency;

    #[test]
    fn a_child_on_a_drug_cautioned_in_children_warns() {
        let mut case = Case::new(vec![line(fixtures::aspirin(), "100", Frequency::Qd, 3)]);
        case.patient.age_months = 18;
        let found = case.one(CHILD_CAUTION);
        assert_eq!(found.severity, Severity::Warn);
        assert_eq!(found.message.zh, "阿司匹林肠溶片：儿童慎用（患者18个月）");
        case.patient.age_months = years(18);
        assert!(case.of(CHILD_CAUTION).is_empty());
    }

    #[test]
    fn a_drug_avoided_in_pregnancy_warns_saying_so() {
        let mut case = Case::new(vec![line(fixtures::diazepam(), "2.5", Frequency::Qn, 3)]);
        assert!(case.of(PREGNANCY_CAUTION).is_empty());
        case.patient.pregnant = true;
        let found = case.one(PREGNANCY_CAUTION);
        assert_eq!(found.severity, Severity::Warn);
        assert_eq!(found.message.zh, "地西泮片：孕妇禁用（患者妊娠期）");
        assert!(found.message.en.contains("do not use"));
        assert_eq!(datum(&found, "caution"), "avoid");
    }

    #[test]
    fn a_patient_of_65_or_over_on_a_drug_cautioned_in_the_elderly_warns() {
        let mut case = Case::new(vec![line(fixtures::amlodipine(), "5", Frequency::Qd, 7)]);
        case.patient.age_months = years(65) - 1;
        assert!(case.of(ELDERLY_CAUTION).is_empty());
        case.patient.age_months = years(65);
        let found = case.one(ELDERLY_CAUTION);
        assert_eq!(found.message.zh, "苯磺酸氨氯地平片：老年人慎用（患者65岁）");
        assert!(found.message.en.contains("65 years old"));
    }
}
