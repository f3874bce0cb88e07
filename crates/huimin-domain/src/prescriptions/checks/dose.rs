//! Dose checks: a dose outside the per-dose range (`dose-range`), a day's total above the
//! daily maximum (`daily-max`). An adult's limits are the formulary's; a child's (under 18)
//! are its per-kg limits times the weight, never above the adult's (a heavy teenager is not
//! given more than an adult). A child without weight is reported (`child-weight-missing`), and a
//! drug without child limits is held to the adult maxima only: a small child's dose is far
//! below an adult minimum by design.

use super::rules::{CHILD_WEIGHT_MISSING, DAILY_MAX, DOSE_RANGE};
use super::{Context, Finding, Severity};
use crate::i18n::Text;
use crate::prescriptions::drug::{Drug, Micro};
use crate::prescriptions::prescription::Line;

/// Under 18 years: a child's dose.
pub(super) const CHILD_MONTHS: u32 = 18 * 12;

/// The limits that apply to one patient, and what they are based on.
struct Limits {
    low: Option<Micro>,
    high: Option<Micro>,
    daily: Option<Micro>,
    /// 成人 / 儿童（按体重 20kg）.
    basis: Text,
}

fn lower(a: Option<Micro>, b: Option<Micro>) -> Option<Micro> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn adult(drug: &Drug) -> Limits {
    let limits = drug.adult_dose;
    Limits {
        low: limits.per_dose.map(|(low, _)| low),
        high: limits.per_dose.map(|(_, high)| high),
        daily: limits.daily_max,
        basis: Text::new("成人", "adult"),
    }
}

fn child(drug: &Drug, weight: Micro) -> Limits {
    let (per_kg, grown) = (drug.child_dose_per_kg, adult(drug));
    let high = lower(per_kg.per_dose.map(|(_, h)| h.times(weight)), grown.high);
    Limits {
        low: per_kg
            .per_dose
            .map(|(l, _)| l.times(weight))
            .map(|l| match high {
                Some(h) => l.min(h),
                None => l,
            }),
        high,
        daily: lower(per_kg.daily_max.map(|d| d.times(weight)), grown.daily),
        basis: Text::new(
            format!("儿童（按体重 {weight}kg）"),
            format!("child's (for {weight} kg)"),
        ),
    }
}

fn amount(value: Micro, drug: &Drug) -> Text {
    let unit = drug.strength_unit;
    Text::new(
        format!("{value}{}", unit.zh()),
        format!("{value} {}", unit.en()),
    )
}

fn per_dose(i: usize, line: &Line, dose: Micro, limits: &Limits, out: &mut Vec<Finding>) {
    let drug = &line.drug;
    let (name, basis) = (drug.name(), &limits.basis);
    let (above, limit) = match (limits.low, limits.high) {
        (_, Some(high)) if dose > high => (true, high),
        (Some(low), _) if dose < low => (false, low),
        _ => return,
    };
    let (d, l) = (amount(dose, drug), amount(limit, drug));
    let message = if above {
        Text::new(
            format!(
                "{}单次剂量 {} 高于{}单次剂量上限 {}",
                name.zh, d.zh, basis.zh, l.zh
            ),
            format!(
                "{}: a dose of {} is above the {} maximum of {} per dose",
                name.en, d.en, basis.en, l.en
            ),
        )
    } else {
        Text::new(
            format!(
                "{}单次剂量 {} 低于{}单次剂量下限 {}",
                name.zh, d.zh, basis.zh, l.zh
            ),
            format!(
                "{}: a dose of {} is below the {} minimum of {} per dose",
                name.en, d.en, basis.en, l.en
            ),
        )
    };
    let data = vec![
        ("drug", drug.code.clone()),
        ("dose", d.en),
        ("limit", l.en),
        ("basis", basis.en.clone()),
    ];
    out.push(Finding::new(
        DOSE_RANGE,
        Severity::Warn,
        vec![i],
        message,
        data,
    ));
}

fn daily(i: usize, line: &Line, limits: &Limits, out: &mut Vec<Finding>) {
    let (Some(max), Some(total), Some(times)) = (
        limits.daily,
        line.daily_amount(),
        line.frequency.doses_per_day(),
    ) else {
        return;
    };
    if total <= max {
        return;
    }
    let drug = &line.drug;
    let (name, basis) = (drug.name(), &limits.basis);
    let (t, m) = (amount(total, drug), amount(max, drug));
    let message = Text::new(
        format!(
            "{}每日剂量 {}（每日 {times} 次）高于{}每日最大剂量 {}",
            name.zh, t.zh, basis.zh, m.zh
        ),
        format!(
            "{}: {} a day ({times} doses) is above the {} daily maximum of {}",
            name.en, t.en, basis.en, m.en
        ),
    );
    let data = vec![
        ("drug", drug.code.clone()),
        ("daily", t.en),
        ("limit", m.en),
        ("basis", basis.en.clone()),
    ];
    out.push(Finding::new(
        DAILY_MAX,
        Severity::Warn,
        vec![i],
        message,
        data,
    ));
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let is_child = cx.patient.age_months < CHILD_MONTHS;
    let weight = cx.patient.weight_kg.filter(|w| !w.is_zero());
    for (i, line) in cx.p.lines.iter().enumerate() {
        // A dose used 适量 has no amount to check.
        let Some(dose) = line.dose_amount() else {
            continue;
        };
        let drug = &line.drug;
        let limits = match (is_child, drug.child_dose_per_kg.is_empty(), weight) {
            (false, _, _) => adult(drug),
            (true, false, Some(weight)) => child(drug, weight),
            (true, false, None) => {
                let name = drug.name();
                out.push(Finding::new(
                    CHILD_WEIGHT_MISSING,
                    Severity::Warn,
                    vec![i],
                    Text::new(
                        format!("{}儿童剂量按体重计算，请先记录患儿体重", name.zh),
                        format!(
                            "{}: a child's dose depends on body weight; record the child's weight",
                            name.en
                        ),
                    ),
                    vec![("drug", drug.code.clone())],
                ));
                continue;
            }
            (true, true, _) => Limits {
                low: None,
                ..adult(drug)
            },
        };
        per_dose(i, line, dose, &limits, out);
        daily(i, line, &limits, out);
    }
}

#[cfg(test)]
#[path = "dose_tests.rs"]
mod tests;
