//! `controlled-quantity`: how much one prescription of a narcotic or psychotropic may hold
//! (处方管理办法 第二十三、二十四条). For outpatients a narcotic or class I psychotropic
//! injection is one dose, a modified-release form 7 days, any other form 3 days; for cancer
//! and chronic pain patients 3, 15 and 7 days; a class II psychotropic 7 days.
//!
//! Days are counted twice — as written, and from the pieces actually dispensed (whole
//! packages can hold far more than the days written) — and the larger counts.

use super::controlled::control_class;
use super::rules::CONTROLLED_QUANTITY;
use super::{Context, Finding, Severity};
use crate::i18n::Text;
use crate::prescriptions::drug::{Drug, DrugClass, Micro, SCALE};
use crate::prescriptions::prescription::Line;

/// A PRN line has no set doses a day: count four (every six hours, the most the frequency
/// table gives), so its quantity is still bounded without refusing a usual PRN supply.
const PRN_DOSES_PER_DAY: u64 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Limit {
    OneDose,
    Days(u32),
}

/// The limit for a drug, and the scope it applies to (for the message).
fn limit(drug: &Drug, chronic_pain: bool) -> Option<(Limit, Text)> {
    if control_class(drug)? == DrugClass::PsychotropicTwo {
        // One limit whatever the form or the patient: the message names no scope.
        return Some((Limit::Days(7), Text::new("", "")));
    }
    let form = drug.form;
    let (limit, what_zh, what_en) = match (form.is_injection(), form.is_modified_release()) {
        (true, _) if chronic_pain => (Limit::Days(3), "注射剂", "an injection"),
        (true, _) => (Limit::OneDose, "注射剂", "an injection"),
        (false, true) => (
            Limit::Days(if chronic_pain { 15 } else { 7 }),
            "控缓释制剂",
            "a modified-release form",
        ),
        (false, false) => (
            Limit::Days(if chronic_pain { 7 } else { 3 }),
            "其他剂型",
            "this form",
        ),
    };
    let (who_zh, who_en) = if chronic_pain {
        (
            "癌痛及慢性中重度疼痛患者",
            "cancer or chronic pain patients",
        )
    } else {
        ("门（急）诊患者", "outpatients")
    };
    Some((
        limit,
        Text::new(
            format!("{who_zh}的{what_zh}"),
            format!(" of {what_en} for {who_en}"),
        ),
    ))
}

/// Doses the dispensed pieces hold, rounded up; an opened ampoule is used whole.
fn doses_dispensed(line: &Line) -> Option<u128> {
    let per_dose = line.pieces_per_dose()?;
    let per_dose = if line.drug.form.is_injection() {
        Micro(per_dose.0.div_ceil(SCALE) * SCALE)
    } else {
        per_dose
    };
    if per_dose.is_zero() {
        return None;
    }
    Some((u128::from(line.pieces()) * u128::from(SCALE)).div_ceil(u128::from(per_dose.0)))
}

fn finding(
    i: usize,
    line: &Line,
    class: DrugClass,
    message: Text,
    data: Vec<(&'static str, String)>,
) -> Finding {
    let mut all = vec![
        ("drug", line.drug.code.clone()),
        ("class", class.code().to_owned()),
    ];
    all.extend(data);
    Finding::new(CONTROLLED_QUANTITY, Severity::Block, vec![i], message, all)
}

fn one_dose(i: usize, line: &Line, class: DrugClass, scope: &Text) -> Option<Finding> {
    // PRN: one dose if only one is dispensed; the quantity decides.
    let scheduled = u128::from(line.frequency.doses_over(line.days).unwrap_or(1));
    let doses = doses_dispensed(line).unwrap_or(scheduled).max(scheduled);
    if doses <= 1 {
        return None;
    }
    let (name, pieces, unit) = (line.drug.name(), line.pieces(), &line.drug.piece_unit);
    let message = Text::new(
        format!(
            "{}属{}，{}每张处方限一次常用量，本处方为 {doses} 次用量（{pieces}{unit}）",
            name.zh,
            class.zh(),
            scope.zh
        ),
        format!(
            "{} is a {}: a prescription{} holds one dose, this one holds {doses} doses ({pieces} {unit})",
            name.en,
            class.en(),
            scope.en
        ),
    );
    Some(finding(
        i,
        line,
        class,
        message,
        vec![("limit", "1 dose".to_owned()), ("doses", doses.to_string())],
    ))
}

fn days(i: usize, line: &Line, class: DrugClass, limit: u32, scope: &Text) -> Option<Finding> {
    let per_day = line
        .frequency
        .doses_per_day()
        .map_or(PRN_DOSES_PER_DAY, u64::from);
    let dispensed = doses_dispensed(line).map(|doses| doses.div_ceil(u128::from(per_day)));
    let counted = dispensed.unwrap_or(0).max(u128::from(line.days));
    if counted <= u128::from(limit) {
        return None;
    }
    let (name, written, pieces, unit) = (
        line.drug.name(),
        line.days,
        line.pieces(),
        &line.drug.piece_unit,
    );
    let lasting = dispensed.map_or_else(String::new, |d| d.to_string());
    let message = Text::new(
        format!(
            "{}属{}，{}每张处方不得超过 {limit} 日常用量，本处方为 {counted} 日用量（开具 {written} 天，发药 {pieces}{unit} 可用 {lasting} 天）",
            name.zh,
            class.zh(),
            scope.zh
        ),
        format!(
            "{} is a {}: a prescription{} holds at most {limit} days' usual dose, this one holds {counted} days ({written} days written, {pieces} {unit} dispensed last {lasting} days)",
            name.en,
            class.en(),
            scope.en
        ),
    );
    let data = vec![
        ("limit", format!("{limit} days")),
        ("days_written", written.to_string()),
        ("days_dispensed", lasting),
    ];
    Some(finding(i, line, class, message, data))
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, line) in cx.p.lines.iter().enumerate() {
        let Some(class) = control_class(&line.drug) else {
            continue;
        };
        let Some((limit, scope)) = limit(&line.drug, cx.patient.chronic_pain) else {
            continue;
        };
        out.extend(match limit {
            Limit::OneDose => one_dose(i, line, class, &scope),
            Limit::Days(n) => days(i, line, class, n, &scope),
        });
    }
}

#[cfg(test)]
#[path = "quantity_tests.rs"]
mod tests;
