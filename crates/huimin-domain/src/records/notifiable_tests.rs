use jiff::civil::date;

use super::*;
use crate::records::parse_icd10_table;

fn code(s: &str) -> Icd10Code {
    Icd10Code::parse(s).unwrap()
}

#[test]
fn codes_under_a_disease_prefix_are_notifiable_and_the_longest_prefix_wins() {
    assert_eq!(notifiable_for(&code("A20")).unwrap().key, "plague");
    assert_eq!(
        notifiable_for(&code("A15.000")).unwrap().key,
        "tuberculosis"
    );
    assert_eq!(
        notifiable_for(&code("A22.1")).unwrap().key,
        "pulmonary-anthrax"
    );
    assert_eq!(notifiable_for(&code("A22.0")).unwrap().key, "anthrax");
    assert_eq!(notifiable_for(&code("U07.100")).unwrap().key, "covid-19");
    assert_eq!(notifiable_for(&code("B04")).unwrap().key, "mpox");
    assert!(notifiable_for(&code("I10.x00")).is_none());
    assert!(
        notifiable_for(&code("B30.900")).is_none(),
        "only B30.3 is notifiable"
    );
}

#[test]
fn class_a_and_b_managed_as_a_are_due_in_two_hours_the_rest_in_twenty_four() {
    let at: Timestamp = "2026-12-07T01:00:00Z".parse().unwrap();
    let due = |c: &str| notifiable_for(&code(c)).unwrap().deadline(at).to_string();
    assert_eq!(due("A00"), "2026-12-07T03:00:00Z");
    assert_eq!(due("A22.1"), "2026-12-07T03:00:00Z");
    assert_eq!(due("U04.900"), "2026-12-07T03:00:00Z");
    assert_eq!(due("U07.100"), "2026-12-08T01:00:00Z");
    assert_eq!(due("J11.100"), "2026-12-08T01:00:00Z");
    let sars = notifiable_for(&code("U04")).unwrap();
    assert_eq!(
        (sars.class, sars.managed_as),
        (DiseaseClass::B, DiseaseClass::A)
    );
}

#[test]
fn diseases_sharing_codes_are_all_candidates() {
    let both: Vec<&str> = builtin()
        .candidates_for(&code("J09"))
        .iter()
        .map(|d| d.key.as_str())
        .collect();
    assert_eq!(both, ["avian-influenza", "h7n9"]);
}

#[test]
fn every_code_the_table_names_is_in_the_seed_code_table() {
    let seed = parse_icd10_table(include_str!("../../../../data/icd10/seed.csv")).unwrap();
    for disease in builtin().diseases() {
        for prefix in &disease.prefixes {
            let known = Icd10Code::parse(prefix)
                .ok()
                .is_some_and(|c| seed.iter().any(|e| e.code == c));
            assert!(known, "{}: {prefix}", disease.key);
        }
    }
    assert!(builtin().diseases().len() >= 40);
}

#[test]
fn the_timer_counts_down_and_then_shows_overdue() {
    let due: Timestamp = "2026-12-07T03:00:00Z".parse().unwrap();
    let t = timer(due, None, "2026-12-07T02:00:00Z".parse().unwrap());
    assert_eq!((t.remaining_seconds, t.overdue), (3600, false));
    let t = timer(due, None, "2026-12-07T03:00:01Z".parse().unwrap());
    assert_eq!((t.remaining_seconds, t.overdue), (-1, true));
    let submitted = Some("2026-12-07T02:30:00Z".parse().unwrap());
    let t = timer(due, submitted, "2026-12-09T00:00:00Z".parse().unwrap());
    assert_eq!((t.remaining_seconds, t.overdue), (1800, false));
}

fn complete() -> CardFields {
    CardFields {
        patient_name: "张三".into(),
        sex: "male".into(),
        birth_date: Some(date(1990, 3, 7)),
        id_number: "110101199003071137".into(),
        occupation: "worker".into(),
        address: "北京市东城区".into(),
        phone: "13800138000".into(),
        onset_date: Some(date(2026, 12, 5)),
        case_class: Some(CaseClass::Confirmed),
        ..CardFields::default()
    }
}

#[test]
fn a_complete_card_passes_and_each_missing_field_is_named() {
    let today = date(2026, 12, 7);
    assert_eq!(check_for_submit(&complete(), today, today), Ok(()));
    let fields: Vec<&str> = check_for_submit(&CardFields::default(), today, today)
        .unwrap_err()
        .iter()
        .map(|i| i.field)
        .collect();
    assert_eq!(
        fields,
        [
            "patient_name",
            "sex",
            "birth_date",
            "id_number",
            "occupation",
            "address",
            "phone",
            "onset_date",
            "case_class"
        ]
    );
}

#[test]
fn dates_must_be_in_order_and_a_child_needs_a_parent() {
    let today = date(2026, 12, 7);
    let mut card = complete();
    card.onset_date = Some(date(2026, 12, 8));
    assert_eq!(
        check_for_submit(&card, today, today).unwrap_err()[0].field,
        "onset_date"
    );
    let mut card = complete();
    card.birth_date = Some(date(2020, 1, 1));
    card.id_number = "passport E1234567".into();
    assert_eq!(
        check_for_submit(&card, today, today).unwrap_err()[0].field,
        "parent_name"
    );
    card.parent_name = "张大".into();
    assert_eq!(check_for_submit(&card, today, today), Ok(()));
    let mut card = complete();
    card.id_number = "110101199003071138".into();
    assert_eq!(
        check_for_submit(&card, today, today).unwrap_err()[0].field,
        "id_number"
    );
}
