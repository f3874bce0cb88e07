use super::super::fixtures::*;
use super::super::*;
use HospitalLevel::{One, Three};
use Scheme::{Employee, Resident};

fn lines(s: &Settlement) -> Vec<Split> {
    s.lines.iter().map(|l| l.split).collect()
}

#[test]
fn the_deductible_is_crossed_mid_bill() {
    // ¥10 of the ¥100 deductible left; level 3 pays 70 % beyond it.
    let cover = insured(Employee, false, 0, 9_000, 0);
    let items = [item("a", ItemClass::A, 600), item("b", ItemClass::A, 1_000)];
    let s = settle(&policy(), &cover, at(Three, false), &items).unwrap();
    assert_eq!(lines(&s), vec![split(0, 0, 600), split(420, 0, 580)]);
    assert_eq!(s.lines[1].reasons[0], Reason::Deductible { fen: 400 });
    assert_eq!(s.delta.deductible_used, 1_000);
    assert_eq!(s.delta.pool_paid, 420);
    assert_eq!(s.totals, split(420, 0, 1_180));
}

#[test]
fn the_annual_cap_stops_the_pool_mid_bill() {
    // Deductible used up; ¥1 of the ¥1,000 cap left.
    let cover = insured(Employee, false, 0, 10_000, 99_900);
    let items = [item("a", ItemClass::A, 1_000), item("b", ItemClass::A, 500)];
    let s = settle(&policy(), &cover, at(Three, false), &items).unwrap();
    assert_eq!(lines(&s), vec![split(100, 0, 900), split(0, 0, 500)]);
    assert!(s.lines[0].reasons.contains(&Reason::OverCap { fen: 600 }));
    assert_eq!(s.lines[1].reasons, vec![Reason::OverCap { fen: 350 }]);
    assert_eq!(s.delta.pool_paid, 100, "the pool stops exactly at the cap");
    let zh = s.lines[1].reasons[0].text().zh;
    assert!(zh.starts_with("超过年度限额"), "{zh}");
}

#[test]
fn a_class_b_item_first_pays_its_share() {
    let cover = insured(Employee, false, 0, 10_000, 0);
    // Default 10 %: 100.1 fen → 100; the 901 left at 70 % → 630.7 → 631.
    let items = [item("b", b(None), 1_001), item("ct", b(Some(20)), 1_000)];
    let s = settle(&policy(), &cover, at(Three, false), &items).unwrap();
    assert_eq!(lines(&s), vec![split(631, 0, 370), split(560, 0, 440)]);
    let first = &s.lines[0].reasons[0];
    assert_eq!(
        *first,
        Reason::FirstSelfPay {
            rate: Rate::from_percent(10).unwrap(),
            fen: 100
        }
    );
    assert!(first.text().zh.starts_with("乙类先行自付10%"));
    assert!(first.text().en.starts_with("class B first self-pay 10%"));
}

#[test]
fn a_self_funded_item_is_the_patients_and_uses_nothing() {
    let cover = insured(Employee, false, 50_000, 0, 0);
    let items = [item("c", ItemClass::SelfFunded, 2_000)];
    let s = settle(&policy(), &cover, at(Three, true), &items).unwrap();
    assert_eq!(lines(&s), vec![split(0, 0, 2_000)]);
    assert_eq!(s.lines[0].reasons, vec![Reason::SelfFundedItem]);
    assert!(s.delta.is_zero());
    // Where the account may pay 自费 too, it does.
    let mut generous = policy();
    generous.employee = rules(true);
    let s = settle(&generous, &cover, at(Three, true), &items).unwrap();
    assert_eq!(lines(&s), vec![split(0, 2_000, 0)]);
    assert_eq!(s.delta.account_balance, -2_000);
}

#[test]
fn an_insufficient_account_pays_what_it_has_and_cash_the_rest() {
    let cover = insured(Employee, false, 100, 10_000, 0);
    let items = [
        item("a", ItemClass::A, 1_000),
        item("b", ItemClass::A, 1_000),
    ];
    let s = settle(&policy(), &cover, at(Three, true), &items).unwrap();
    assert_eq!(lines(&s), vec![split(700, 100, 200), split(700, 0, 300)]);
    assert!(
        s.lines[0]
            .reasons
            .contains(&Reason::AccountShort { fen: 200 })
    );
    assert_eq!(s.delta.account_balance, -100);
    // Without the patient's consent the account is not touched.
    let s = settle(&policy(), &cover, at(Three, false), &items).unwrap();
    assert_eq!(s.totals.account, 0);
}

#[test]
fn retirees_have_a_lower_deductible_and_a_higher_ratio() {
    let items = [item("a", ItemClass::A, 20_000)];
    let working = settle(
        &policy(),
        &insured(Employee, false, 0, 0, 0),
        at(Three, false),
        &items,
    );
    let retired = settle(
        &policy(),
        &insured(Employee, true, 0, 0, 0),
        at(Three, false),
        &items,
    );
    // Working: ¥100 deductible, 70 % of ¥100. Retired: ¥50, 75 % of ¥150.
    assert_eq!(working.unwrap().totals, split(7_000, 0, 13_000));
    assert_eq!(retired.unwrap().totals, split(11_250, 0, 8_750));
}

#[test]
fn lower_level_hospitals_are_paid_a_higher_share() {
    let cover = insured(Employee, false, 0, 10_000, 0);
    let items = [item("a", ItemClass::A, 1_000)];
    let one = settle(&policy(), &cover, at(One, false), &items).unwrap();
    assert_eq!(one.totals, split(900, 0, 100));
    assert_eq!(
        one.lines[0].reasons,
        vec![Reason::Pool {
            rate: Rate::from_percent(90).unwrap(),
            fen: 900
        }]
    );
}

#[test]
fn a_residents_consultation_fee_is_paid_a_fixed_sum_outside_the_deductible() {
    let cover = insured(Resident, false, 50_000, 0, 0);
    let mut fee = item("reg", ItemClass::A, 1_500);
    fee.code = "110200001".to_owned();
    let s = settle(&policy(), &cover, at(One, true), &[fee]).unwrap();
    // ¥10 fixed; the ¥5 left falls in the deductible; residents have no account.
    assert_eq!(lines(&s), vec![split(1_000, 0, 500)]);
    assert_eq!(
        s.lines[0].reasons,
        vec![
            Reason::ConsultationFixed { fen: 1_000 },
            Reason::Deductible { fen: 500 }
        ]
    );
    assert_eq!(s.delta.pool_paid, 1_000);
    assert_eq!(s.delta.deductible_used, 500);
}

#[test]
fn a_self_paying_patient_pays_everything() {
    let items = [item("a", ItemClass::A, 1_000), item("b", b(None), 500)];
    let s = settle(&policy(), &Cover::SelfPaying, at(One, true), &items).unwrap();
    assert_eq!(lines(&s), vec![split(0, 0, 1_000), split(0, 0, 500)]);
    assert!(
        s.lines
            .iter()
            .all(|l| l.reasons == vec![Reason::SelfPayingPatient])
    );
    assert!(s.delta.is_zero());
    assert_eq!(s.scheme, None);
}

#[test]
fn bad_input_is_refused_without_panicking() {
    let cover = insured(Employee, false, 0, 0, 0);
    let p = policy();
    let go = |items: &[ClaimItem], cover: &Cover| settle(&p, cover, at(One, true), items);
    assert!(matches!(
        go(&[item("a", ItemClass::A, -1)], &cover),
        Err(SettleError::NegativeAmount { .. })
    ));
    assert!(matches!(
        go(&[item("a", ItemClass::A, MAX_ITEM_FEN + 1)], &cover),
        Err(SettleError::AmountTooLarge { .. })
    ));
    let twice = [item("a", ItemClass::A, 1), item("a", ItemClass::A, 2)];
    assert!(matches!(
        go(&twice, &cover),
        Err(SettleError::DuplicateItem { .. })
    ));
    let Cover::Insured(state) = &cover else {
        unreachable!()
    };
    let last_year = Cover::Insured(InsuredState {
        year: YEAR - 1,
        ..state.clone()
    });
    let err = go(&[], &last_year).unwrap_err();
    assert_eq!(
        err,
        SettleError::WrongYear {
            state: 2025,
            settlement: 2026
        }
    );
    assert!(err.message().zh.contains("2025"));
    let negative = insured(Employee, false, -5, 0, 0);
    assert_eq!(go(&[], &negative), Err(SettleError::BadState));
}

#[test]
fn a_new_year_starts_the_counts_again_but_keeps_the_balance() {
    let Cover::Insured(state) = insured(Employee, false, 7_000, 10_000, 5_000) else {
        unreachable!()
    };
    let old = InsuredState {
        year: YEAR - 1,
        ..state
    };
    let rolled = old.rolled_to(YEAR);
    assert_eq!(
        (rolled.year, rolled.deductible_used, rolled.pool_paid),
        (YEAR, 0, 0)
    );
    assert_eq!(rolled.account_balance, 7_000);
    assert_eq!(rolled.rolled_to(YEAR - 1), rolled, "never rolled back");
}

#[test]
fn the_demo_files_settle_a_typical_visit() {
    let policy = Policy::demo().unwrap();
    let catalogue = Catalogue::demo().unwrap();
    use crate::billing::price_list::PriceCategory as C;
    let claim = |id: &str, code: &str, cat: C, amount| ClaimItem {
        id: id.to_owned(),
        code: code.to_owned(),
        class: catalogue.class_of(code, Some(cat)),
        amount,
    };
    let items = [
        claim("1", "110200001", C::Registration, 1_500),
        claim("2", "210300001", C::Exam, 18_000),
        claim("3", "H-CL-001", C::Material, 100),
        claim("4", "EM0007", C::Drug, 2_000),
    ];
    // A working employee past the ¥1,200 deductible, at a level-3 hospital (70 %).
    let cover = insured(Employee, false, 100_000, 120_000, 0);
    let s = settle(&policy, &cover, at(Three, true), &items).unwrap();
    // CT is 乙类 20 %: 3,600 first, 70 % of 14,400 = 10,080 from the pool.
    assert_eq!(s.lines[1].split, split(10_080, 7_920, 0));
    // The booklet is 自费; this policy lets the account pay it.
    assert_eq!(s.lines[2].split, split(0, 100, 0));
    assert_eq!(s.totals.total(), 21_600);
    assert_eq!(s.totals.pool, 1_050 + 10_080 + 1_400);
}
