use super::super::support::{Case, datum, line};
use super::*;
use crate::prescriptions::drug::DosageForm;
use crate::prescriptions::fixtures;
use crate::prescriptions::frequency::Frequency;
use crate::prescriptions::prescription::PrescriptionKind;

fn narcotic(lines: Vec<Line>) -> Case {
    let mut case = Case::new(lines);
    case.kind = PrescriptionKind::NarcoticPsychotropicOne;
    case
}

/// 盐酸吗啡片 10mg, `per_box` a box: an immediate-release narcotic ("other forms").
fn morphine_tablet(per_box: u32) -> Drug {
    let mut d = fixtures::morphine_cr();
    d.form = DosageForm::Tablet;
    d.strength = Micro::from_whole(10);
    d.package_size = per_box;
    d
}

#[test]
fn a_narcotic_injection_for_an_outpatient_is_one_dose() {
    let one = narcotic(vec![line(
        fixtures::morphine_ampoule(),
        "10",
        Frequency::St,
        1,
    )]);
    assert!(one.of(CONTROLLED_QUANTITY).is_empty());
    // Half an ampoule is still one ampoule, one dose.
    let half = narcotic(vec![line(
        fixtures::morphine_ampoule(),
        "5",
        Frequency::St,
        1,
    )]);
    assert!(half.of(CONTROLLED_QUANTITY).is_empty());
    let twice = narcotic(vec![line(
        fixtures::morphine_ampoule(),
        "10",
        Frequency::Bid,
        1,
    )]);
    let found = twice.one(CONTROLLED_QUANTITY);
    assert_eq!(found.severity, Severity::Block);
    assert_eq!(
        found.message.zh,
        "盐酸吗啡注射液属麻醉药品，门（急）诊患者的注射剂每张处方限一次常用量，本处方为 2 次用量（2支）"
    );
    assert_eq!(datum(&found, "doses"), "2");
}

#[test]
fn a_box_of_ten_ampoules_is_ten_doses_whatever_the_days_written() {
    let found = narcotic(vec![line(
        fixtures::morphine_injection(),
        "10",
        Frequency::St,
        1,
    )])
    .one(CONTROLLED_QUANTITY);
    assert!(
        found.message.zh.contains("本处方为 10 次用量（10支）"),
        "{}",
        found.message.zh
    );
}

#[test]
fn a_controlled_release_narcotic_is_seven_days_counted_from_the_pieces_dispensed() {
    // 30 mg every 12 hours for 3 days: one box of 10 lasts 5 days.
    let fine = narcotic(vec![line(
        fixtures::morphine_cr(),
        "30",
        Frequency::Q12h,
        3,
    )]);
    assert!(fine.of(CONTROLLED_QUANTITY).is_empty());
    // 8 days need 16 tablets: two boxes, 10 days.
    let long = narcotic(vec![line(
        fixtures::morphine_cr(),
        "30",
        Frequency::Q12h,
        8,
    )]);
    let found = long.one(CONTROLLED_QUANTITY);
    assert_eq!(
        found.message.zh,
        "硫酸吗啡控释片属麻醉药品，门（急）诊患者的控缓释制剂每张处方不得超过 7 日常用量，本处方为 10 日用量（开具 8 天，发药 20片 可用 10 天）"
    );
    assert_eq!(datum(&found, "days_dispensed"), "10");
    assert!(found.message.en.contains("at most 7 days' usual dose"));
}

#[test]
fn other_forms_are_three_days_even_when_one_day_is_written() {
    // One day three times is 3 tablets, but a box of 10 lasts 4 days.
    let boxed = narcotic(vec![line(morphine_tablet(10), "10", Frequency::Tid, 1)]);
    let found = boxed.one(CONTROLLED_QUANTITY);
    assert_eq!(datum(&found, "days_written"), "1");
    assert_eq!(datum(&found, "days_dispensed"), "4");
    let small = narcotic(vec![line(morphine_tablet(3), "10", Frequency::Tid, 3)]);
    assert!(small.of(CONTROLLED_QUANTITY).is_empty());
    // When needed: a box of 10 counts as 4 doses a day, 3 days.
    let prn = narcotic(vec![line(morphine_tablet(10), "10", Frequency::Prn, 3)]);
    assert!(prn.of(CONTROLLED_QUANTITY).is_empty());
}

#[test]
fn chronic_pain_patients_may_have_three_fifteen_and_seven_days() {
    let mut case = narcotic(vec![line(
        fixtures::morphine_ampoule(),
        "10",
        Frequency::Q6h,
        3,
    )]);
    case.patient.chronic_pain = true;
    assert!(case.of(CONTROLLED_QUANTITY).is_empty());
    case.lines = vec![line(fixtures::morphine_ampoule(), "10", Frequency::Q6h, 4)];
    assert!(
        case.one(CONTROLLED_QUANTITY)
            .message
            .zh
            .contains("癌痛及慢性中重度疼痛患者的注射剂每张处方不得超过 3 日常用量")
    );
    case.lines = vec![line(fixtures::morphine_cr(), "30", Frequency::Q12h, 15)];
    assert!(case.of(CONTROLLED_QUANTITY).is_empty());
    case.lines = vec![line(morphine_tablet(3), "10", Frequency::Tid, 7)];
    assert!(case.of(CONTROLLED_QUANTITY).is_empty());
    case.lines = vec![line(morphine_tablet(3), "10", Frequency::Tid, 8)];
    assert_eq!(case.of(CONTROLLED_QUANTITY).len(), 1);
}

#[test]
fn a_class_two_psychotropic_is_seven_days() {
    let mut week = fixtures::diazepam();
    week.package_size = 7;
    let mut case = Case::new(vec![line(week, "2.5", Frequency::Qn, 7)]);
    case.kind = PrescriptionKind::PsychotropicTwo;
    assert!(case.of(CONTROLLED_QUANTITY).is_empty());
    // A box of 20 at night lasts 20 days.
    case.lines = vec![line(fixtures::diazepam(), "2.5", Frequency::Qn, 7)];
    let found = case.one(CONTROLLED_QUANTITY);
    assert_eq!(
        found.message.zh,
        "地西泮片属第二类精神药品，每张处方不得超过 7 日常用量，本处方为 20 日用量（开具 7 天，发药 20片 可用 20 天）"
    );
    // Uncontrolled drugs have no such limit.
    case.lines = vec![line(fixtures::amlodipine(), "5", Frequency::Qd, 7)];
    assert!(case.of(CONTROLLED_QUANTITY).is_empty());
}
