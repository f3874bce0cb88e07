//! Long prescriptions 长期处方 (长期处方管理规范（试行）, 2021): only for a patient with a stable
//! chronic diagnosis on record (`long-term-no-chronic`), up to 12 weeks (`long-term`), more
//! than 4 weeks only after a recorded assessment (`long-term-assessment`), and never for the
//! excluded drugs (`long-term-excluded`, 第十条): toxic, narcotic, psychotropic, radioactive
//! and precursor drugs, antimicrobials except those for chronic infections such as
//! tuberculosis, and drugs with special storage needs.

use super::rules::{LONG_TERM, LONG_TERM_ASSESSMENT, LONG_TERM_EXCLUDED, LONG_TERM_NO_CHRONIC};
use super::{Context, Finding, Severity};
use crate::i18n::Text;
use crate::prescriptions::drug::{Drug, DrugClass};

/// Classes never on a long prescription.
const EXCLUDED: [DrugClass; 7] = [
    DrugClass::Toxic,
    DrugClass::Narcotic,
    DrugClass::PsychotropicOne,
    DrugClass::PsychotropicTwo,
    DrugClass::Radioactive,
    DrugClass::Precursor,
    DrugClass::ColdStorage,
];

/// ATC J04: antimycobacterials (tuberculosis, leprosy), the chronic infections whose drugs the
/// rule allows.
const CHRONIC_INFECTION_ATC: &str = "J04";

/// Why a drug is never on a long prescription.
fn excluded(drug: &Drug) -> Option<Text> {
    if let Some(class) = EXCLUDED.into_iter().find(|c| drug.has(*c)) {
        return Some(class.label());
    }
    let chronic_infection = drug
        .atc
        .as_deref()
        .is_some_and(|atc| atc.starts_with(CHRONIC_INFECTION_ATC));
    (drug.antimicrobial.is_some() && !chronic_infection)
        .then(|| Text::new("抗菌药物", "antimicrobial"))
}

fn block(
    rule: &'static str,
    lines: Vec<usize>,
    message: Text,
    data: Vec<(&'static str, String)>,
) -> Finding {
    Finding::new(rule, Severity::Block, lines, message, data)
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    if !cx.p.long_term {
        return;
    }
    if !cx.patient.stable_chronic {
        out.push(block(
            LONG_TERM_NO_CHRONIC,
            Vec::new(),
            Text::new(
                "长期处方仅用于病情稳定、有慢性病诊断记录的患者",
                "a long prescription is only for a patient with a stable chronic diagnosis on record",
            ),
            Vec::new(),
        ));
    }
    let (most, assessed_after) = (cx.policy.long_days, cx.policy.long_days_without_assessment);
    for (i, line) in cx.p.lines.iter().enumerate() {
        let (name, days) = (line.drug.name(), line.days);
        let data = || vec![("drug", line.drug.code.clone()), ("days", days.to_string())];
        if days > most {
            out.push(block(
                LONG_TERM,
                vec![i],
                Text::new(
                    format!("{}用药 {days} 天，超过长期处方最长 {most} 天", name.zh),
                    format!(
                        "{}: {days} days is more than the {most} days a long prescription may hold",
                        name.en
                    ),
                ),
                data(),
            ));
        } else if days > assessed_after && !cx.p.long_assessment {
            out.push(block(LONG_TERM_ASSESSMENT, vec![i], Text::new(
                format!("{}用药 {days} 天：超过 {assessed_after} 天的长期处方须先记录医师评估并经患者签字确认", name.zh),
                format!("{}: a long prescription of {days} days (more than {assessed_after}) needs a recorded assessment signed by the patient", name.en),
            ), data()));
        }
        if let Some(why) = excluded(&line.drug) {
            let mut data = data();
            data.push(("class", why.en.clone()));
            out.push(block(
                LONG_TERM_EXCLUDED,
                vec![i],
                Text::new(
                    format!("{}属{}，不得开具长期处方", name.zh, why.zh),
                    format!("{} is a {}: never on a long prescription", name.en, why.en),
                ),
                data,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{Case, line};
    use super::*;
    use crate::prescriptions::fixtures;
    use crate::prescriptions::frequency::Frequency;

    fn long(days: u32) -> Case {
        let mut case = Case::new(vec![line(fixtures::amlodipine(), "5", Frequency::Qd, days)]);
        case.long_term = true;
        case.patient.stable_chronic = true;
        case
    }

    #[test]
    fn a_twelve_week_long_prescription_needs_the_assessment() {
        let mut case = long(84);
        let found = case.one(LONG_TERM_ASSESSMENT);
        assert_eq!(found.severity, Severity::Block);
        assert!(
            found
                .message
                .zh
                .contains("超过 28 天的长期处方须先记录医师评估")
        );
        case.long_assessment = true;
        assert!(case.run().is_empty(), "{:#?}", case.run());
        // Four weeks need none.
        assert!(long(28).run().is_empty());
    }

    #[test]
    fn a_long_prescription_needs_a_stable_chronic_diagnosis() {
        let mut case = long(28);
        case.patient.stable_chronic = false;
        let found = case.one(LONG_TERM_NO_CHRONIC);
        assert!(found.lines.is_empty());
        // An ordinary prescription does not.
        case.long_term = false;
        case.lines = vec![line(fixtures::amlodipine(), "5", Frequency::Qd, 7)];
        assert!(case.of(LONG_TERM_NO_CHRONIC).is_empty());
    }

    #[test]
    fn no_line_is_longer_than_twelve_weeks() {
        let mut case = long(90);
        case.long_assessment = true;
        assert!(
            case.one(LONG_TERM)
                .message
                .zh
                .contains("超过长期处方最长 84 天")
        );
    }

    #[test]
    fn excluded_drugs_are_never_on_a_long_prescription() {
        let mut case = long(28);
        for (drug, why) in [
            (fixtures::insulin(), "冷藏药品"),
            (fixtures::diazepam(), "第二类精神药品"),
            (fixtures::morphine_cr(), "麻醉药品"),
            (fixtures::amoxicillin(), "抗菌药物"),
        ] {
            let dose = drug.strength.to_string();
            case.lines = vec![line(drug, &dose, Frequency::Qd, 28)];
            let found = case.one(LONG_TERM_EXCLUDED);
            assert!(
                found
                    .message
                    .zh
                    .contains(&format!("属{why}，不得开具长期处方")),
                "{}",
                found.message.zh
            );
        }
        for class in [
            DrugClass::Toxic,
            DrugClass::Radioactive,
            DrugClass::Precursor,
            DrugClass::PsychotropicOne,
        ] {
            let mut drug = fixtures::amlodipine();
            drug.classes = vec![class];
            case.lines = vec![line(drug, "5", Frequency::Qd, 28)];
            assert_eq!(case.of(LONG_TERM_EXCLUDED).len(), 1, "{class:?}");
        }
    }

    #[test]
    fn an_anti_tuberculosis_drug_may_be_on_a_long_prescription() {
        let mut isoniazid = fixtures::amlodipine();
        isoniazid.atc = Some("J04AC01".to_owned());
        isoniazid.antimicrobial =
            Some(crate::prescriptions::drug::AntimicrobialGrade::Unrestricted);
        let mut case = long(28);
        case.lines = vec![line(isoniazid, "5", Frequency::Qd, 28)];
        assert!(case.of(LONG_TERM_EXCLUDED).is_empty());
    }
}
