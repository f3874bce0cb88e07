//! Skin tests 皮试: a drug of the `skin-test` class (penicillins and others per its label)
//! is noted on the prescription (`skin-test`), and the pharmacy's dispensing gate refuses it
//! until a negative result is recorded.

use super::rules::SKIN_TEST;
use super::{Context, Finding, Severity};
use crate::i18n::Text;
use crate::prescriptions::drug::{Drug, DrugClass};

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, line) in cx.p.lines.iter().enumerate() {
        if !line.drug.has(DrugClass::SkinTest) {
            continue;
        }
        let name = line.drug.name();
        out.push(Finding::new(
            SKIN_TEST,
            Severity::Info,
            vec![i],
            Text::new(
                format!("{}需皮试，阴性结果记录后方可发药", name.zh),
                format!("{} needs a skin test: it is dispensed only after a negative result is recorded", name.en),
            ),
            vec![("drug", line.drug.code.clone())],
        ));
    }
}

/// Whether the pharmacy may hand the drug over: a drug needing a skin test only once a
/// negative result is on record.
pub fn skin_test_gate(drug: &Drug, negative_recorded: bool) -> Result<(), Text> {
    if !drug.has(DrugClass::SkinTest) || negative_recorded {
        return Ok(());
    }
    let name = drug.name();
    Err(Text::new(
        format!("{}需皮试：尚无阴性皮试结果记录，不能发药", name.zh),
        format!(
            "{} needs a skin test: no negative result is recorded, so it cannot be dispensed",
            name.en
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::support::{Case, line};
    use super::*;
    use crate::prescriptions::fixtures;
    use crate::prescriptions::frequency::Frequency;

    #[test]
    fn a_drug_needing_a_skin_test_is_noted() {
        let case = Case::new(vec![
            line(fixtures::amlodipine(), "5", Frequency::Qd, 7),
            line(fixtures::amoxicillin(), "0.5", Frequency::Tid, 5),
        ]);
        let found = case.one(SKIN_TEST);
        assert_eq!(found.severity, Severity::Info);
        assert_eq!(found.lines, vec![1]);
        assert_eq!(
            found.message.zh,
            "阿莫西林胶囊需皮试，阴性结果记录后方可发药"
        );
    }

    #[test]
    fn the_skin_test_gate_refuses_before_a_negative_result() {
        let amoxicillin = fixtures::amoxicillin();
        let refused = skin_test_gate(&amoxicillin, false).unwrap_err();
        assert_eq!(
            refused.zh,
            "阿莫西林胶囊需皮试：尚无阴性皮试结果记录，不能发药"
        );
        assert!(refused.en.contains("cannot be dispensed"));
        assert_eq!(skin_test_gate(&amoxicillin, true), Ok(()));
        assert_eq!(skin_test_gate(&fixtures::amlodipine(), false), Ok(()));
    }
}
