//! Antimicrobial grades 抗菌药物分级管理 (抗菌药物临床应用管理办法): restricted-use drugs only
//! by an attending physician or above, special-use drugs only by an associate chief or above
//! (`antimicrobial-grade`, 第二十四条), and special-use drugs never in outpatient care
//! (`antimicrobial-special-outpatient`, 第二十八条).

use super::rules::{ANTIMICROBIAL_GRADE, ANTIMICROBIAL_SPECIAL_OUTPATIENT};
use super::{Context, Finding, Severity};
use crate::directory::PractitionerTitle;
use crate::i18n::Text;
use crate::prescriptions::drug::AntimicrobialGrade;

/// The lowest title that may prescribe a grade. `PractitionerTitle` is declared highest
/// first, so "this title or above" is `title <= lowest`.
fn lowest_title(grade: AntimicrobialGrade) -> Option<PractitionerTitle> {
    match grade {
        AntimicrobialGrade::Unrestricted => None,
        AntimicrobialGrade::Restricted => Some(PractitionerTitle::AttendingPhysician),
        AntimicrobialGrade::Special => Some(PractitionerTitle::AssociateChiefPhysician),
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let title = cx.prescriber.title;
    for (i, line) in cx.p.lines.iter().enumerate() {
        let drug = &line.drug;
        let Some(grade) = drug.antimicrobial else {
            continue;
        };
        let name = drug.name();
        let data = || {
            vec![
                ("drug", drug.code.clone()),
                ("grade", grade.code().to_owned()),
            ]
        };
        if grade == AntimicrobialGrade::Special && cx.policy.outpatient {
            out.push(Finding::new(
                ANTIMICROBIAL_SPECIAL_OUTPATIENT,
                Severity::Block,
                vec![i],
                Text::new(
                    format!("{}为特殊使用级抗菌药物，不得在门诊使用", name.zh),
                    format!(
                        "{} is a special-use antimicrobial: never prescribed in outpatient care",
                        name.en
                    ),
                ),
                data(),
            ));
            continue;
        }
        let Some(lowest) = lowest_title(grade).filter(|lowest| title > *lowest) else {
            continue;
        };
        let mut data = data();
        data.push(("title", title.code().to_owned()));
        out.push(Finding::new(
            ANTIMICROBIAL_GRADE,
            Severity::Block,
            vec![i],
            Text::new(
                format!(
                    "{}为{}抗菌药物，须{}及以上职称的医师开具（开具医师为{}）",
                    name.zh,
                    grade.zh(),
                    lowest.zh(),
                    title.zh()
                ),
                format!(
                    "{} is a {} antimicrobial: it needs a {} or above (the prescriber is a {})",
                    name.en,
                    grade.en(),
                    lowest.en(),
                    title.en()
                ),
            ),
            data,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{Case, datum, line};
    use super::*;
    use crate::prescriptions::fixtures;
    use crate::prescriptions::frequency::Frequency;

    fn by(title: PractitionerTitle, drug: crate::prescriptions::drug::Drug) -> Case {
        let dose = drug.strength.to_string();
        let mut case = Case::new(vec![line(drug, &dose, Frequency::Qd, 3)]);
        case.prescriber.title = title;
        case
    }

    #[test]
    fn a_restricted_antimicrobial_needs_an_attending_physician_or_above() {
        use PractitionerTitle::*;
        let found = by(ResidentPhysician, fixtures::ceftriaxone()).one(ANTIMICROBIAL_GRADE);
        assert_eq!(found.severity, Severity::Block);
        assert_eq!(
            found.message.zh,
            "注射用头孢曲松钠为限制使用级抗菌药物，须主治医师及以上职称的医师开具（开具医师为住院医师）"
        );
        assert_eq!(datum(&found, "title"), "resident-physician");
        for title in [AttendingPhysician, AssociateChiefPhysician, ChiefPhysician] {
            assert!(
                by(title, fixtures::ceftriaxone())
                    .of(ANTIMICROBIAL_GRADE)
                    .is_empty(),
                "{title:?}"
            );
        }
        // Unrestricted: anyone.
        assert!(
            by(ResidentPhysician, fixtures::amoxicillin())
                .of(ANTIMICROBIAL_GRADE)
                .is_empty()
        );
    }

    #[test]
    fn a_special_use_antimicrobial_is_refused_in_outpatient_care() {
        let case = by(PractitionerTitle::ChiefPhysician, fixtures::meropenem());
        let found = case.one(ANTIMICROBIAL_SPECIAL_OUTPATIENT);
        assert_eq!(found.severity, Severity::Block);
        assert_eq!(
            found.message.zh,
            "注射用美罗培南为特殊使用级抗菌药物，不得在门诊使用"
        );
        assert!(case.of(ANTIMICROBIAL_GRADE).is_empty());
    }

    #[test]
    fn a_special_use_antimicrobial_elsewhere_needs_an_associate_chief_or_above() {
        let mut case = by(PractitionerTitle::AttendingPhysician, fixtures::meropenem());
        case.policy.outpatient = false;
        assert!(case.of(ANTIMICROBIAL_SPECIAL_OUTPATIENT).is_empty());
        assert!(
            case.one(ANTIMICROBIAL_GRADE)
                .message
                .zh
                .contains("须副主任医师及以上")
        );
        case.prescriber.title = PractitionerTitle::AssociateChiefPhysician;
        assert!(case.of(ANTIMICROBIAL_GRADE).is_empty());
    }
}
