use super::super::support::{Case, datum, line, years};
use super::*;
use crate::prescriptions::fixtures;
use crate::prescriptions::frequency::Frequency;

fn child(age_years: u32, weight_kg: Option<u64>, dose: &str, frequency: Frequency) -> Case {
    let mut case = Case::new(vec![line(
        fixtures::ibuprofen_suspension(),
        dose,
        frequency,
        3,
    )]);
    case.patient.age_months = years(age_years);
    case.patient.weight_kg = weight_kg.map(Micro::from_whole);
    case
}

#[test]
fn an_adult_dose_above_or_below_the_range_warns_with_the_limit() {
    let high = Case::new(vec![line(fixtures::amlodipine(), "20", Frequency::Qd, 7)]);
    let found = high.one(DOSE_RANGE);
    assert_eq!(found.severity, Severity::Warn);
    assert_eq!(
        found.message.zh,
        "苯磺酸氨氯地平片单次剂量 20mg 高于成人单次剂量上限 10mg"
    );
    assert_eq!(datum(&found, "limit"), "10 mg");
    let low = Case::new(vec![line(fixtures::amlodipine(), "1.25", Frequency::Qd, 7)]);
    assert!(
        low.one(DOSE_RANGE)
            .message
            .zh
            .contains("低于成人单次剂量下限 2.5mg")
    );
    let fine = Case::new(vec![line(fixtures::amlodipine(), "5", Frequency::Qd, 7)]);
    assert!(fine.of(DOSE_RANGE).is_empty() && fine.of(DAILY_MAX).is_empty());
}

#[test]
fn a_day_above_the_daily_maximum_warns() {
    // 10 mg is a right dose, but twice a day is 20 mg, above the 10 mg a day.
    let case = Case::new(vec![line(fixtures::amlodipine(), "10", Frequency::Bid, 7)]);
    assert!(case.of(DOSE_RANGE).is_empty());
    let found = case.one(DAILY_MAX);
    assert_eq!(
        found.message.zh,
        "苯磺酸氨氯地平片每日剂量 20mg（每日 2 次）高于成人每日最大剂量 10mg"
    );
    assert_eq!(datum(&found, "daily"), "20 mg");
    // The limits themselves are allowed: 10 mg once a day is both the dose and the day's most.
    let at_limit = Case::new(vec![line(fixtures::amlodipine(), "10", Frequency::Qd, 7)]);
    assert!(at_limit.of(DOSE_RANGE).is_empty() && at_limit.of(DAILY_MAX).is_empty());
    let at_low = Case::new(vec![line(fixtures::amlodipine(), "2.5", Frequency::Qd, 7)]);
    assert!(at_low.of(DOSE_RANGE).is_empty());
}

#[test]
fn a_childs_limits_are_per_kilogram_times_the_weight() {
    // 20 kg: 5–10 mg/kg is 100–200 mg a dose, 40 mg/kg is 800 mg a day.
    let fine = child(5, Some(20), "150", Frequency::Tid);
    assert!(fine.of(DOSE_RANGE).is_empty() && fine.of(DAILY_MAX).is_empty());
    let high = child(5, Some(20), "300", Frequency::Tid);
    let found = high.one(DOSE_RANGE);
    assert!(
        found
            .message
            .zh
            .contains("高于儿童（按体重 20kg）单次剂量上限 200mg"),
        "{}",
        found.message.zh
    );
    assert_eq!(datum(&found, "basis"), "child's (for 20 kg)");
    assert!(
        high.one(DAILY_MAX)
            .message
            .zh
            .contains("每日最大剂量 800mg")
    );
    let low = child(5, Some(20), "50", Frequency::Tid);
    assert!(low.one(DOSE_RANGE).message.zh.contains("下限 100mg"));
}

#[test]
fn a_heavy_teenager_is_never_given_more_than_an_adult() {
    // 80 kg × 10 mg/kg = 800 mg, but an adult's dose stops at 400 mg.
    let found = child(16, Some(80), "500", Frequency::Tid).one(DOSE_RANGE);
    assert!(
        found.message.zh.contains("上限 400mg"),
        "{}",
        found.message.zh
    );
}

#[test]
fn a_child_without_weight_is_asked_for_it_instead_of_checked() {
    let case = child(5, None, "300", Frequency::Tid);
    let found = case.one(CHILD_WEIGHT_MISSING);
    assert_eq!(found.severity, Severity::Warn);
    assert!(found.message.zh.contains("请先记录患儿体重"));
    assert!(case.of(DOSE_RANGE).is_empty());
    // An adult's weight is not needed.
    let mut adult = child(30, None, "300", Frequency::Tid);
    adult.patient.age_months = years(30);
    assert!(adult.of(CHILD_WEIGHT_MISSING).is_empty());
}

#[test]
fn a_child_on_a_drug_without_child_limits_is_held_to_the_adult_maximum_only() {
    let mut small = Case::new(vec![line(fixtures::amlodipine(), "1.25", Frequency::Qd, 7)]);
    small.patient.age_months = years(6);
    small.patient.weight_kg = None;
    assert!(
        small
            .run()
            .iter()
            .all(|f| f.rule != DOSE_RANGE && f.rule != CHILD_WEIGHT_MISSING)
    );
    small.lines = vec![line(fixtures::amlodipine(), "20", Frequency::Qd, 7)];
    assert!(
        small
            .one(DOSE_RANGE)
            .message
            .zh
            .contains("成人单次剂量上限 10mg")
    );
}

#[test]
fn a_dose_used_as_needed_in_a_thin_layer_is_not_checked() {
    let mut ointment = line(fixtures::erythromycin_ointment(), "1", Frequency::Bid, 7);
    ointment.dose = Micro(0);
    ointment.drug.adult_dose = fixtures::limits(Some(("1", "2")), Some("3"));
    let case = Case::new(vec![ointment]);
    assert!(case.of(DOSE_RANGE).is_empty() && case.of(DAILY_MAX).is_empty());
}
