//! Who may prescribe narcotics and psychotropics 麻醉药品和精神药品, and on what: a doctor with
//! the qualification (`controlled-qualification`, 处方管理办法 第十一条), on the special
//! prescription of the class (`controlled-kind`, 第五条), never in online care
//! (`controlled-online`, 互联网诊疗管理办法). How much one prescription may hold is `quantity`.

use super::rules::{CONTROLLED_KIND, CONTROLLED_ONLINE, CONTROLLED_QUALIFICATION};
use super::{Context, Finding, Severity};
use crate::i18n::Text;
use crate::prescriptions::drug::{Drug, DrugClass};
use crate::prescriptions::prescription::PrescriptionKind;

/// The strictest control class of a drug: narcotic, then class I, then class II.
pub(super) fn control_class(drug: &Drug) -> Option<DrugClass> {
    [
        DrugClass::Narcotic,
        DrugClass::PsychotropicOne,
        DrugClass::PsychotropicTwo,
    ]
    .into_iter()
    .find(|class| drug.has(*class))
}

/// The prescription kinds a class may be written on.
fn kinds_for(class: DrugClass) -> &'static [PrescriptionKind] {
    match class {
        DrugClass::PsychotropicTwo => &[
            PrescriptionKind::PsychotropicTwo,
            PrescriptionKind::NarcoticPsychotropicOne,
        ],
        _ => &[PrescriptionKind::NarcoticPsychotropicOne],
    }
}

fn finding(rule: &'static str, i: usize, drug: &Drug, class: DrugClass, why: Text) -> Finding {
    let name = drug.name();
    Finding::new(
        rule,
        Severity::Block,
        vec![i],
        Text::new(
            format!("{}属{}：{}", name.zh, class.zh(), why.zh),
            format!("{} is a {}: {}", name.en, class.en(), why.en),
        ),
        vec![
            ("drug", drug.code.clone()),
            ("class", class.code().to_owned()),
        ],
    )
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, line) in cx.p.lines.iter().enumerate() {
        let drug = &line.drug;
        let Some(class) = control_class(drug) else {
            continue;
        };
        // The qualification covers narcotics and class I psychotropics (麻醉药品和精神药品管理
        // 条例 第三十八条); any licensed doctor may write a class II psychotropic.
        if class != DrugClass::PsychotropicTwo && !cx.prescriber.controlled_qualified {
            out.push(finding(CONTROLLED_QUALIFICATION, i, drug, class, Text::new(
                "开具医师须取得麻醉药品和第一类精神药品处方资格",
                "only a doctor qualified to prescribe narcotics and class I psychotropics may prescribe it",
            )));
        }
        let kinds = kinds_for(class);
        if !kinds.contains(&cx.p.kind) {
            let wanted = kinds[0].label();
            out.push(finding(
                CONTROLLED_KIND,
                i,
                drug,
                class,
                Text::new(
                    format!("须开具{}（当前为{}）", wanted.zh, cx.p.kind.zh()),
                    format!(
                        "it needs the {} form (this is the {} form)",
                        wanted.en,
                        cx.p.kind.en()
                    ),
                ),
            ));
        }
        if cx.policy.online {
            out.push(finding(
                CONTROLLED_ONLINE,
                i,
                drug,
                class,
                Text::new(
                    "互联网诊疗不得开具麻醉药品和精神药品",
                    "narcotics and psychotropics are never prescribed in online care",
                ),
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

    fn morphine(kind: PrescriptionKind) -> Case {
        let mut case = Case::new(vec![line(
            fixtures::morphine_cr(),
            "30",
            Frequency::Q12h,
            3,
        )]);
        case.kind = kind;
        case
    }

    #[test]
    fn a_narcotic_by_an_unqualified_doctor_is_refused() {
        let mut case = morphine(PrescriptionKind::NarcoticPsychotropicOne);
        assert!(
            case.run().iter().all(|f| f.severity != Severity::Block),
            "{:#?}",
            case.run()
        );
        case.prescriber.controlled_qualified = false;
        let found = case.one(CONTROLLED_QUALIFICATION);
        assert_eq!(found.severity, Severity::Block);
        assert_eq!(
            found.message.zh,
            "硫酸吗啡控释片属麻醉药品：开具医师须取得麻醉药品和第一类精神药品处方资格"
        );
        assert_eq!(datum(&found, "class"), "narcotic");
    }

    #[test]
    fn a_narcotic_needs_its_special_prescription() {
        let found = morphine(PrescriptionKind::Ordinary).one(CONTROLLED_KIND);
        assert_eq!(
            found.message.zh,
            "硫酸吗啡控释片属麻醉药品：须开具麻醉药品和第一类精神药品处方（当前为普通处方）"
        );
        assert!(
            morphine(PrescriptionKind::PsychotropicTwo)
                .of(CONTROLLED_KIND)
                .len()
                == 1
        );
    }

    #[test]
    fn a_class_two_psychotropic_goes_on_its_own_or_the_stricter_prescription() {
        let mut case = Case::new(vec![line(fixtures::diazepam(), "2.5", Frequency::Qn, 7)]);
        assert_eq!(case.one(CONTROLLED_KIND).lines, vec![0]);
        case.kind = PrescriptionKind::PsychotropicTwo;
        assert!(case.of(CONTROLLED_KIND).is_empty());
        case.kind = PrescriptionKind::NarcoticPsychotropicOne;
        assert!(case.of(CONTROLLED_KIND).is_empty());
        // Any licensed doctor writes a class II psychotropic.
        case.prescriber.controlled_qualified = false;
        assert!(case.of(CONTROLLED_QUALIFICATION).is_empty());
    }

    #[test]
    fn no_controlled_drug_online() {
        let mut case = morphine(PrescriptionKind::NarcoticPsychotropicOne);
        case.policy.online = true;
        assert!(
            case.one(CONTROLLED_ONLINE)
                .message
                .zh
                .contains("互联网诊疗不得开具")
        );
        case.lines = vec![line(fixtures::amlodipine(), "5", Frequency::Qd, 7)];
        assert!(case.of(CONTROLLED_ONLINE).is_empty());
    }
}
