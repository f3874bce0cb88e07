//! Whether a checked prescription may be signed: never with a block; every warning only with
//! an override giving the doctor's reason, which is kept and shown to the pharmacist.

use super::{Finding, Severity};
use crate::i18n::Text;

/// Longest reason an override may give.
pub const MAX_REASON_CHARS: usize = 200;

/// The doctor's reason for signing despite a warning: the rule's code and the line the
/// warning is about (`None`: a warning about the prescription as a whole).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub rule: String,
    pub line: Option<usize>,
    pub reason: String,
}

impl Override {
    /// Whether this override answers the finding: same rule, and the finding's line (a
    /// finding about two lines is answered on either); without a line, every finding of
    /// the rule (the doctor's reason covers the rule wherever it was found).
    pub fn answers(&self, finding: &Finding) -> bool {
        self.rule == finding.rule
            && match self.line {
                Some(line) => finding.lines.contains(&line),
                None => true,
            }
    }

    fn reason_is_valid(&self) -> bool {
        let reason = self.reason.trim();
        !reason.is_empty() && reason.chars().count() <= MAX_REASON_CHARS
    }
}

/// No finding blocks: every remaining warning can be overridden with a reason.
pub fn overridable(findings: &[Finding]) -> bool {
    findings.iter().all(|f| f.severity != Severity::Block)
}

/// The findings that stand in the way of signing: every block, and every warning without an
/// override giving a valid reason.
pub fn unresolved<'a>(findings: &'a [Finding], overrides: &[Override]) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| match f.severity {
            Severity::Block => true,
            Severity::Warn => !overrides
                .iter()
                .any(|o| o.answers(f) && o.reason_is_valid()),
            Severity::Info => false,
        })
        .collect()
}

fn describe(o: &Override) -> String {
    match o.line {
        Some(line) => format!("{}（第 {} 行）", o.rule, line + 1),
        None => o.rule.clone(),
    }
}

fn describe_en(o: &Override) -> String {
    match o.line {
        Some(line) => format!("{} (line {})", o.rule, line + 1),
        None => o.rule.clone(),
    }
}

/// Why the prescription cannot be signed as it is, one sentence each (empty: it can). An
/// override must answer a warning of the current findings, never a block, with a reason of
/// 1 to 200 characters, so what the pharmacist reads matches what the doctor saw.
pub fn signing_problems(findings: &[Finding], overrides: &[Override]) -> Vec<Text> {
    let mut problems = Vec::new();
    for o in overrides {
        let (zh, en) = (describe(o), describe_en(o));
        let answered: Vec<&Finding> = findings.iter().filter(|f| o.answers(f)).collect();
        if answered.iter().any(|f| f.severity == Severity::Block) {
            problems.push(Text::new(
                format!("{zh} 为禁止项，不能以理由放行"),
                format!("{en} blocks the prescription and cannot be overridden"),
            ));
        } else if !answered.iter().any(|f| f.severity == Severity::Warn) {
            problems.push(Text::new(
                format!("{zh} 没有对应的警告，请删除此理由"),
                format!("{en} answers no current warning; remove it"),
            ));
        } else if !o.reason_is_valid() {
            problems.push(Text::new(
                format!("{zh} 的理由须填写，且最多 {MAX_REASON_CHARS} 个字符"),
                format!("{en} needs a reason of at most {MAX_REASON_CHARS} characters"),
            ));
        }
    }
    for f in unresolved(findings, overrides) {
        problems.push(match f.severity {
            Severity::Block => Text::new(
                format!("不能签署：{}", f.message.zh),
                format!("Cannot sign: {}", f.message.en),
            ),
            _ => Text::new(
                format!("须填写理由后方可签署：{}", f.message.zh),
                format!("A reason is needed to sign: {}", f.message.en),
            ),
        });
    }
    problems
}

#[cfg(test)]
#[path = "signing_tests.rs"]
mod tests;
