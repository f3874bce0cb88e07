use super::*;
use crate::prescriptions::drug::SCALE;
use crate::prescriptions::fixtures::{self, lookup};

fn input(drug: &str, dose: &str, unit: &str, frequency: &str, days: u32) -> LineInput {
    LineInput {
        drug: drug.to_owned(),
        dose: dose.to_owned(),
        dose_unit: unit.to_owned(),
        frequency: frequency.to_owned(),
        route: String::new(),
        days,
        quantity: None,
        note: String::new(),
    }
}

fn problem(input: &LineInput) -> FieldProblem {
    check_line(input, 0, lookup).unwrap_err()
}

#[test]
fn quantity_is_dose_times_frequency_times_days_in_whole_packages() {
    // 0.5 g = 2 capsules, three times a day for 7 days = 42 capsules = 2 boxes of 24.
    let line = check_line(&input("EM0001", "0.5", "g", "TID", 7), 0, lookup).unwrap();
    assert_eq!(line.quantity, 2);
    assert_eq!(line.pieces_per_dose(), Some(Micro(2 * SCALE)));
    assert_eq!(line.dose_amount(), Some(Micro(500_000)));
    assert_eq!(line.daily_amount(), Some(Micro(1_500_000)));
    assert_eq!(line.route, Route::Oral);
    // The same dose in mg, or in pieces.
    let mg = check_line(&input("EM0001", "500", "mg", "TID", 7), 0, lookup).unwrap();
    let pieces = check_line(&input("EM0001", "2", "粒", "TID", 7), 0, lookup).unwrap();
    assert_eq!((mg.quantity, pieces.quantity), (2, 2));
    assert_eq!(mg.dose_amount(), Some(Micro(500_000)));
}

#[test]
fn the_instruction_reads_as_a_pharmacist_writes_it() {
    let line = check_line(&input("EM0001", "0.5", "g", "TID", 7), 0, lookup).unwrap();
    assert_eq!(line.instruction().zh, "口服，每日三次，每次2粒（0.5g）");
    assert_eq!(
        line.instruction().en,
        "By mouth, three times a day, 2 粒 (0.5 g) each time"
    );
}

#[test]
fn liquids_are_counted_in_millilitres_and_tablets_may_be_halved() {
    // 5 mL (100 mg) three times a day for 3 days = 45 mL: one 100 mL bottle.
    let line = check_line(&input("EM0003", "100", "mg", "TID", 3), 0, lookup).unwrap();
    assert_eq!(line.quantity, 1);
    assert_eq!(line.pieces_per_dose(), Some(Micro(5 * SCALE)));
    // Half a 2.5 mg tablet a day for 7 days: 4 tablets, one box.
    let half = check_line(&input("EM0002", "1.25", "mg", "QD", 7), 0, lookup).unwrap();
    assert_eq!(half.quantity, 1);
    // A third of a tablet cannot be measured.
    let third = problem(&input("EM0002", "0.8", "mg", "QD", 7));
    assert_eq!(third.field, "lines[0].dose");
}

#[test]
fn capsules_cannot_be_split_and_injections_use_whole_ampoules() {
    let split = problem(&input("EM0001", "0.125", "g", "TID", 7));
    assert_eq!(split.field, "lines[0].dose");
    assert!(split.text.zh.contains("不能分剂量"), "{}", split.text.zh);
    // 5 mg of a 10 mg ampoule, once: one whole ampoule, one box.
    let line = check_line(&input("EM0004", "5", "mg", "ST", 1), 0, lookup).unwrap();
    assert_eq!(line.quantity, 1);
}

#[test]
fn a_typed_quantity_must_match_and_prn_or_ointments_need_one() {
    let mut wrong = input("EM0001", "0.5", "g", "TID", 7);
    wrong.quantity = Some(3);
    let p = problem(&wrong);
    assert_eq!(p.field, "lines[0].quantity");
    assert!(p.text.zh.contains("应为 2盒"), "{}", p.text.zh);
    wrong.quantity = Some(2);
    assert!(check_line(&wrong, 0, lookup).is_ok());

    let prn = input("EM0003", "100", "mg", "PRN", 3);
    assert_eq!(problem(&prn).field, "lines[0].quantity");
    let mut prn_typed = prn.clone();
    prn_typed.quantity = Some(1);
    assert_eq!(check_line(&prn_typed, 0, lookup).unwrap().quantity, 1);

    let mut ointment = input("EM0005", "", "g", "BID", 7);
    assert_eq!(problem(&ointment).field, "lines[0].quantity");
    ointment.quantity = Some(1);
    let line = check_line(&ointment, 0, lookup).unwrap();
    assert_eq!(line.dose_amount(), None);
    assert_eq!(line.instruction().zh, "外用，每日两次，适量");
}

#[test]
fn bad_input_names_its_field() {
    assert_eq!(
        problem(&input("NOPE", "1", "g", "TID", 7)).field,
        "lines[0].drug"
    );
    assert_eq!(
        problem(&input("EM0001", "1", "g", "TDS", 7)).field,
        "lines[0].frequency"
    );
    assert_eq!(
        problem(&input("EM0001", "1", "mL", "TID", 7)).field,
        "lines[0].dose_unit"
    );
    assert_eq!(
        problem(&input("EM0001", "1", "片", "TID", 7)).field,
        "lines[0].dose_unit"
    );
    assert_eq!(
        problem(&input("EM0001", "0", "g", "TID", 7)).field,
        "lines[0].dose"
    );
    assert_eq!(
        problem(&input("EM0001", "abc", "g", "TID", 7)).field,
        "lines[0].dose"
    );
    assert_eq!(
        problem(&input("EM0001", "0.5", "g", "TID", 0)).field,
        "lines[0].days"
    );
    assert_eq!(
        problem(&input("EM0001", "0.5", "g", "TID", 85)).field,
        "lines[0].days"
    );
    let mut route = input("EM0001", "0.5", "g", "TID", 7);
    route.route = "by-mouth".to_owned();
    assert_eq!(problem(&route).field, "lines[0].route");
    let mut note = input("EM0001", "0.5", "g", "TID", 7);
    note.note = "<script>".to_owned();
    assert_eq!(problem(&note).field, "lines[0].note");
    let _ = fixtures::warfarin();
}
