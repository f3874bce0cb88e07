//! Limits of one prescription (处方管理办法): at most five drugs (`max-drugs`, 第六条), and
//! seven days' supply — three for an emergency prescription — unless the doctor writes why
//! (`max-days`, 第十九条: chronic or geriatric disease). A long prescription has its own limits.

use super::rules::{MAX_DAYS, MAX_DRUGS};
use super::{Context, Finding, Severity};
use crate::i18n::Text;
use crate::prescriptions::prescription::PrescriptionKind;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let (lines, policy) = (cx.p.lines, cx.policy);
    let max = policy.max_lines;
    if lines.len() > max {
        let count = lines.len();
        out.push(Finding::new(
            MAX_DRUGS,
            Severity::Block,
            (max..count).collect(),
            Text::new(
                format!("每张处方最多 {max} 种药品，本处方有 {count} 种；请另开处方"),
                format!("a prescription holds at most {max} drugs and this one has {count}; write another prescription"),
            ),
            vec![("limit", max.to_string()), ("lines", count.to_string())],
        ));
    }
    if cx.p.long_term {
        return;
    }
    let (limit, kind) = match cx.p.kind {
        PrescriptionKind::Emergency => (
            policy.emergency_days,
            Text::new("急诊处方", "an emergency prescription"),
        ),
        _ => (
            policy.ordinary_days,
            Text::new("普通处方", "a prescription"),
        ),
    };
    for (i, line) in lines.iter().enumerate() {
        if line.days <= limit {
            continue;
        }
        let (name, days) = (line.drug.name(), line.days);
        out.push(Finding::new(
            MAX_DAYS,
            Severity::Warn,
            vec![i],
            Text::new(
                format!(
                    "{}用药 {days} 天，超过{}一般 {limit} 天用量；慢性病、老年病或特殊情况须注明理由",
                    name.zh, kind.zh
                ),
                format!(
                    "{}: {days} days is more than the {limit} days {} usually holds; for a chronic or geriatric disease or a special case, write the reason",
                    name.en, kind.en
                ),
            ),
            vec![
                ("drug", line.drug.code.clone()),
                ("days", days.to_string()),
                ("limit", limit.to_string()),
            ],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{Case, datum, line};
    use super::*;
    use crate::prescriptions::fixtures;
    use crate::prescriptions::frequency::Frequency;

    #[test]
    fn a_sixth_drug_is_refused() {
        let five: Vec<_> = [
            fixtures::amlodipine(),
            fixtures::simvastatin(),
            fixtures::omeprazole(),
            fixtures::aspirin(),
            fixtures::warfarin(),
        ]
        .into_iter()
        .map(|d| {
            let dose = d.strength.to_string();
            line(d, &dose, Frequency::Qd, 7)
        })
        .collect();
        let mut case = Case::new(five);
        assert!(case.of(MAX_DRUGS).is_empty());
        case.lines
            .push(line(fixtures::clopidogrel(), "75", Frequency::Qd, 7));
        let found = case.one(MAX_DRUGS);
        assert_eq!(found.severity, Severity::Block);
        assert_eq!(found.lines, vec![5]);
        assert_eq!(
            found.message.zh,
            "每张处方最多 5 种药品，本处方有 6 种；请另开处方"
        );
        // The limit is a setting.
        case.policy.max_lines = 6;
        assert!(case.of(MAX_DRUGS).is_empty());
    }

    #[test]
    fn more_than_seven_days_warns_and_an_emergency_more_than_three() {
        let mut case = Case::new(vec![line(fixtures::amlodipine(), "5", Frequency::Qd, 7)]);
        assert!(case.of(MAX_DAYS).is_empty());
        case.lines = vec![line(fixtures::amlodipine(), "5", Frequency::Qd, 14)];
        let found = case.one(MAX_DAYS);
        assert_eq!(found.severity, Severity::Warn);
        assert!(
            found
                .message
                .zh
                .contains("用药 14 天，超过普通处方一般 7 天用量")
        );
        assert_eq!(datum(&found, "limit"), "7");
        case.kind = PrescriptionKind::Emergency;
        case.lines = vec![line(fixtures::amlodipine(), "5", Frequency::Qd, 4)];
        assert!(case.one(MAX_DAYS).message.zh.contains("急诊处方一般 3 天"));
    }

    #[test]
    fn a_long_prescription_is_not_held_to_seven_days() {
        let mut case = Case::new(vec![line(fixtures::amlodipine(), "5", Frequency::Qd, 28)]);
        case.long_term = true;
        case.patient.stable_chronic = true;
        assert!(case.of(MAX_DAYS).is_empty());
    }
}
