//! `interaction`: every pair of lines, and every line with every medicine the patient already
//! takes, looked up in the interaction table. Contraindicated pairs block; major and moderate
//! ones warn with the table's effect and advice.

use super::rules::INTERACTION;
use super::{Context, Finding, Severity};
use crate::i18n::Text;
use crate::prescriptions::drug::Drug;
use crate::prescriptions::interactions::{Interaction, InteractionSeverity};

fn severity(of: InteractionSeverity) -> Severity {
    match of {
        InteractionSeverity::Contraindicated => Severity::Block,
        InteractionSeverity::Major | InteractionSeverity::Moderate => Severity::Warn,
    }
}

/// `text` without the full stop it may end with, so it can be followed by more.
fn sentence(text: &str) -> &str {
    text.trim_end_matches(['。', '.', '；', ';'])
}

fn finding(
    lines: Vec<usize>,
    drug: &Drug,
    other: &Drug,
    from: Option<&Text>,
    row: &Interaction,
) -> Finding {
    let (a, b) = (drug.name(), other.name());
    let (from_zh, from_en) = match from {
        Some(source) => (
            format!("（正在使用，来自{}）", source.zh),
            format!(" (already taken, from {})", source.en),
        ),
        None => (String::new(), String::new()),
    };
    let sev = row.severity;
    let message = Text::new(
        format!(
            "{}与{}{from_zh}存在相互作用（{}）：{}。建议：{}",
            a.zh,
            b.zh,
            sev.zh(),
            sentence(&row.effect.zh),
            sentence(&row.advice.zh)
        ),
        format!(
            "{} and {}{from_en} interact ({}): {}. Advice: {}",
            a.en,
            b.en,
            sev.en(),
            sentence(&row.effect.en),
            sentence(&row.advice.en)
        ),
    );
    let mut data = vec![
        ("drug", drug.code.clone()),
        ("other", other.code.clone()),
        ("severity", sev.code().to_owned()),
        ("pair", format!("{} × {}", row.a, row.b)),
        ("source", row.source.clone()),
    ];
    if let Some(source) = from {
        data.push(("from", source.zh.clone()));
    }
    Finding::new(INTERACTION, severity(sev), lines, message, data)
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let table = cx.tables.interactions;
    let lines = cx.p.lines;
    for (i, line) in lines.iter().enumerate() {
        for (j, other) in lines.iter().enumerate().skip(i + 1) {
            for row in table.between(&line.drug, &other.drug) {
                out.push(finding(vec![i, j], &line.drug, &other.drug, None, row));
            }
        }
        for taken in cx.active {
            for row in table.between(&line.drug, &taken.drug) {
                out.push(finding(
                    vec![i],
                    &line.drug,
                    &taken.drug,
                    Some(&taken.source),
                    row,
                ));
            }
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
    fn warfarin_and_aspirin_warn_with_the_tables_advice() {
        let case = Case::new(vec![
            line(fixtures::warfarin(), "2.5", Frequency::Qd, 7),
            line(fixtures::aspirin(), "100", Frequency::Qd, 7),
        ]);
        let found = case.one(INTERACTION);
        assert_eq!(found.severity, Severity::Warn);
        assert_eq!(found.lines, vec![0, 1]);
        assert_eq!(
            found.message.zh,
            "华法林钠片与阿司匹林肠溶片存在相互作用（严重）：出血风险增加。建议：避免合用；如必须合用，监测INR并观察出血征象"
        );
        assert!(
            found
                .message
                .en
                .contains("Advice: Avoid; if needed monitor INR")
        );
        assert_eq!(datum(&found, "severity"), "major");
        assert_eq!(datum(&found, "source"), "Stockley's Drug Interactions");
        assert_eq!(datum(&found, "other"), "EM0006");
    }

    #[test]
    fn a_contraindicated_pair_blocks() {
        let case = Case::new(vec![
            line(fixtures::simvastatin(), "20", Frequency::Qn, 7),
            line(fixtures::clarithromycin(), "250", Frequency::Bid, 7),
        ]);
        let found = case.one(INTERACTION);
        assert_eq!(found.severity, Severity::Block);
        assert!(found.message.zh.contains("禁忌合用"));
    }

    #[test]
    fn a_line_is_checked_against_what_the_patient_already_takes() {
        let case = Case::new(vec![line(fixtures::omeprazole(), "20", Frequency::Qd, 7)])
            .taking(fixtures::clopidogrel(), ("心血管内科", "Cardiology"));
        let found = case.one(INTERACTION);
        assert_eq!(found.lines, vec![0]);
        assert!(
            found
                .message
                .zh
                .contains("硫酸氢氯吡格雷片（正在使用，来自心血管内科）")
        );
        assert!(
            found
                .message
                .en
                .contains("(already taken, from Cardiology)")
        );
        assert_eq!(datum(&found, "from"), "心血管内科");
    }

    #[test]
    fn an_atc_class_row_covers_an_nsaid_and_unrelated_drugs_pass() {
        let case = Case::new(vec![
            line(fixtures::ibuprofen_suspension(), "200", Frequency::Tid, 3),
            line(fixtures::amlodipine(), "5", Frequency::Qd, 7),
        ])
        .taking(
            fixtures::warfarin(),
            ("泉城市第一人民医院", "Quancheng First People's Hospital"),
        );
        let found = case.one(INTERACTION);
        assert_eq!(datum(&found, "pair"), "warfarin × atc:M01A");
        assert_eq!(found.lines, vec![0]);
    }
}
