use super::super::rules::{INTERACTION, MAX_DAYS, SKIN_TEST};
use super::super::support::{Case, line};
use super::*;
use crate::prescriptions::fixtures;
use crate::prescriptions::frequency::Frequency;

/// Warfarin + aspirin (a warning on lines 0 and 1) and amoxicillin (a note on line 2).
fn warned() -> Vec<Finding> {
    Case::new(vec![
        line(fixtures::warfarin(), "2.5", Frequency::Qd, 7),
        line(fixtures::aspirin(), "100", Frequency::Qd, 7),
        line(fixtures::amoxicillin(), "0.5", Frequency::Tid, 5),
    ])
    .run()
}

fn over(rule: &str, line: Option<usize>, reason: &str) -> Override {
    Override {
        rule: rule.to_owned(),
        line,
        reason: reason.to_owned(),
    }
}

#[test]
fn a_warning_needs_an_override_with_a_reason_and_a_note_needs_nothing() {
    let findings = warned();
    assert!(overridable(&findings));
    assert_eq!(findings.iter().filter(|f| f.rule == SKIN_TEST).count(), 1);
    let problems = signing_problems(&findings, &[]);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0]
            .zh
            .starts_with("须填写理由后方可签署：华法林钠片与阿司匹林肠溶片")
    );
    // A warning about two lines is answered on either.
    for line in [0, 1] {
        let reason = [over(INTERACTION, Some(line), "冠脉支架术后，INR 每周监测")];
        assert!(signing_problems(&findings, &reason).is_empty());
        assert!(unresolved(&findings, &reason).is_empty());
    }
}

#[test]
fn a_reason_must_be_given_and_short() {
    let findings = warned();
    for reason in ["", "   ", &"长".repeat(MAX_REASON_CHARS + 1)] {
        let problems = signing_problems(&findings, &[over(INTERACTION, Some(0), reason)]);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(
            problems[0]
                .zh
                .contains("interaction（第 1 行） 的理由须填写")
        );
        assert_eq!(
            unresolved(&findings, &[over(INTERACTION, Some(0), reason)]).len(),
            1
        );
    }
    let longest = "长".repeat(MAX_REASON_CHARS);
    assert!(signing_problems(&findings, &[over(INTERACTION, Some(0), &longest)]).is_empty());
}

#[test]
fn a_block_cannot_be_overridden() {
    let mut case = Case::new(vec![
        line(fixtures::simvastatin(), "20", Frequency::Qn, 7),
        line(fixtures::clarithromycin(), "250", Frequency::Bid, 7),
    ]);
    case.patient.allergies = vec!["克拉霉素".to_owned()];
    let findings = case.run();
    assert!(!overridable(&findings));
    let problems = signing_problems(&findings, &[over(INTERACTION, Some(1), "必须合用")]);
    assert!(
        problems[0]
            .en
            .contains("blocks the prescription and cannot be overridden")
    );
    assert!(problems.iter().any(|p| p.zh.starts_with("不能签署：")));
    assert_eq!(unresolved(&findings, &[]).len(), 2);
}

#[test]
fn an_override_answering_no_current_warning_is_refused() {
    let findings = warned();
    let stale = [
        over(INTERACTION, Some(0), "理由"),
        over(MAX_DAYS, Some(0), "慢性病"),
        over(INTERACTION, Some(2), "理由"),
        over(MAX_DAYS, None, "慢性病"),
    ];
    let problems = signing_problems(&findings, &stale);
    let stale: Vec<&str> = problems.iter().map(|p| p.en.as_str()).collect();
    assert_eq!(
        stale,
        vec![
            "max-days (line 1) answers no current warning; remove it",
            "interaction (line 3) answers no current warning; remove it",
            "max-days answers no current warning; remove it",
        ]
    );
}

#[test]
fn an_override_without_a_line_answers_the_rule_wherever_it_was_found() {
    let findings = warned();
    let warned_rules: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warn)
        .map(|f| f.rule)
        .collect();
    let overrides: Vec<Override> = warned_rules
        .iter()
        .map(|rule| over(rule, None, "已评估"))
        .collect();
    assert!(signing_problems(&findings, &overrides).is_empty());
}

#[test]
fn an_override_without_a_line_answers_a_finding_about_the_whole_prescription() {
    let whole = Finding::new(
        "example",
        Severity::Warn,
        Vec::new(),
        Text::new("整张处方", "whole"),
        Vec::new(),
    );
    assert!(over("example", None, "理由").answers(&whole));
    assert!(!over("example", Some(0), "理由").answers(&whole));
    assert!(signing_problems(&[whole], &[over("example", None, "理由")]).is_empty());
}
