//! Reversal and re-settlement, on figures computed by hand.

use super::fixtures::*;
use super::*;
use HospitalLevel::Three;
use Scheme::{Employee, Resident};

fn two_items() -> [ClaimItem; 2] {
    [item("a", ItemClass::A, 600), item("b", ItemClass::A, 1_000)]
}

#[test]
fn reversing_a_settlement_restores_the_state_exactly() {
    let before = insured(Employee, false, 10_000, 9_000, 0);
    let s = settle(&policy(), &before, at(Three, true), &two_items()).unwrap();
    let after = before.apply(&s.delta).unwrap();
    assert_ne!(after, before);
    assert_eq!(after.apply(&reverse(&s)).unwrap(), before);
}

#[test]
fn refunding_the_item_that_used_the_deductible_moves_it_to_the_kept_one() {
    // a used ¥6 of the ¥10 deductible left, b the other ¥4; the account paid the rest.
    let before = insured(Employee, false, 10_000, 9_000, 0);
    let previous = settle(&policy(), &before, at(Three, true), &two_items()).unwrap();
    assert_eq!(previous.totals, split(420, 1_180, 0));
    let kept = [item("b", ItemClass::A, 1_000)];
    let redo = resettle(&policy(), &previous, &kept, &before).unwrap();
    // Alone, b now meets the whole ¥10 left: the pool pays nothing and takes back its ¥4.20,
    // although the refunded item a never had pool money. This is why the bill is redone.
    assert_eq!(redo.settlement.totals, split(0, 1_000, 0));
    assert_eq!(redo.back, split(420, 180, 0));
    assert_eq!(
        redo.back.total(),
        600,
        "what goes back is the refunded amount"
    );
    let net = redo.net_delta();
    assert_eq!(
        (net.deductible_used, net.pool_paid, net.account_balance),
        (0, -420, 180)
    );
}

#[test]
fn refunding_some_units_resettles_the_smaller_amount() {
    let before = insured(Resident, false, 0, 10_000, 0);
    let items = [item("drug", ItemClass::A, 3_000)];
    let previous = settle(&policy(), &before, at(Three, false), &items).unwrap();
    let kept = [item("drug", ItemClass::A, 1_000)];
    let redo = resettle(&policy(), &previous, &kept, &before).unwrap();
    // Resident at level 3: 40 %.
    assert_eq!(previous.totals, split(1_200, 0, 1_800));
    assert_eq!(redo.back, split(800, 0, 1_200));
}

#[test]
fn kept_items_are_settled_in_the_previous_order() {
    let before = insured(Employee, false, 0, 9_000, 0);
    let items = [
        item("a", ItemClass::A, 600),
        item("b", ItemClass::A, 1_000),
        item("c", ItemClass::A, 1_000),
    ];
    let previous = settle(&policy(), &before, at(Three, false), &items).unwrap();
    let kept = [items[2].clone(), items[1].clone()];
    let redo = resettle(&policy(), &previous, &kept, &before).unwrap();
    let ids: Vec<&str> = redo
        .settlement
        .lines
        .iter()
        .map(|l| l.item.id.as_str())
        .collect();
    assert_eq!(ids, vec!["b", "c"]);
    assert_eq!(
        redo.settlement.lines[0].split,
        split(0, 0, 1_000),
        "b takes the deductible"
    );
}

#[test]
fn a_self_paying_bill_gives_back_cash_only() {
    let previous = settle(&policy(), &Cover::SelfPaying, at(Three, true), &two_items()).unwrap();
    let redo = resettle(&policy(), &previous, &two_items()[..1], &Cover::SelfPaying).unwrap();
    assert_eq!(redo.back, split(0, 0, 1_000));
    assert!(redo.net_delta().is_zero());
}

#[test]
fn a_resettlement_that_does_not_match_the_previous_one_is_refused() {
    let before = insured(Employee, false, 10_000, 9_000, 0);
    let p = policy();
    let previous = settle(&p, &before, at(Three, true), &two_items()).unwrap();
    let go = |items: &[ClaimItem], before: &Cover| resettle(&p, &previous, items, before);
    let stranger = [item("z", ItemClass::A, 1)];
    assert!(matches!(
        go(&stranger, &before),
        Err(SettleError::NotPreviouslySettled { .. })
    ));
    let grown = [item("a", ItemClass::A, 601)];
    assert!(matches!(
        go(&grown, &before),
        Err(SettleError::ItemChanged { .. })
    ));
    let reclassed = [item("a", ItemClass::SelfFunded, 600)];
    assert!(matches!(
        go(&reclassed, &before),
        Err(SettleError::ItemChanged { .. })
    ));
    let twice = [item("a", ItemClass::A, 100), item("a", ItemClass::A, 100)];
    assert!(matches!(
        go(&twice, &before),
        Err(SettleError::DuplicateItem { .. })
    ));
    assert_eq!(go(&[], &Cover::SelfPaying), Err(SettleError::DeltaMismatch));
    // A state the previous change cannot have started from (the account could not have paid).
    let poorer = insured(Employee, false, 100, 9_000, 0);
    assert_eq!(go(&[], &poorer), Err(SettleError::DeltaMismatch));
    let mut newer = policy();
    newer.version = "test-2".to_owned();
    assert!(matches!(
        resettle(&newer, &previous, &[], &before),
        Err(SettleError::PolicyChanged { .. })
    ));
}
