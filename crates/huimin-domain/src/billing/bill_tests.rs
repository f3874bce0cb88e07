use proptest::prelude::*;

use super::*;

/// Applies plans the way the store does, so the properties cover what is written.
#[derive(Default)]
struct Desk {
    bill: Bill,
    next: i64,
}

impl Desk {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn add_item(&mut self, unit_price: i64, quantity: i64) -> String {
        let id = self.id("item");
        self.bill.items.push(Item {
            id: id.clone(),
            unit_price,
            quantity,
            billable: true,
            performed: false,
        });
        id
    }

    fn pay(&mut self, method: &str) -> i64 {
        let plan = self.bill.payment_plan();
        let amount: i64 = plan.iter().map(|(_, a)| a).sum();
        if amount == 0 {
            return 0;
        }
        let id = self.id("pay");
        self.bill.entries.push(Entry {
            id: id.clone(),
            kind: EntryKind::Payment,
            method: method.into(),
            amount,
            refund_of: None,
            order: self.next,
        });
        for (item, amount) in plan {
            self.bill.allocations.push(Allocation {
                entry: id.clone(),
                item,
                amount,
            });
        }
        amount
    }

    fn give_back_excess(&mut self) -> i64 {
        let mut total = 0;
        for PlannedRefund {
            payment,
            method,
            parts,
        } in self.bill.planned_refunds()
        {
            let id = self.id("refund");
            let amount: i64 = parts.iter().map(|p| p.amount).sum::<i64>();
            total += amount;
            self.bill.entries.push(Entry {
                id: id.clone(),
                kind: EntryKind::Refund,
                method,
                amount,
                refund_of: Some(payment),
                order: self.next,
            });
            for part in parts {
                self.bill.allocations.push(Allocation {
                    entry: id.clone(),
                    item: part.item,
                    amount: part.amount,
                });
            }
        }
        total
    }

    fn refund_units(&mut self, item: &str, units: i64) -> Result<i64, RefundRefusal> {
        self.bill.check_refund(item, units)?;
        let line = self.bill.items.iter_mut().find(|i| i.id == item).unwrap();
        line.quantity -= units;
        if line.quantity == 0 {
            line.billable = false;
            line.quantity = units;
        }
        Ok(self.give_back_excess())
    }

    fn move_item(&mut self, item: &str, new_fee: i64) -> String {
        let new = self.add_item(new_fee, 1);
        self.bill
            .items
            .iter_mut()
            .find(|i| i.id == item)
            .unwrap()
            .billable = false;
        for a in self.bill.allocations.iter_mut().filter(|a| a.item == item) {
            a.item = new.clone();
        }
        self.give_back_excess();
        new
    }

    fn check_invariants(&self) {
        let bill = &self.bill;
        let held: i64 = bill.items.iter().map(|i| bill.held_for(&i.id)).sum();
        assert_eq!(bill.paid() - bill.refunded(), held, "money held by items");
        for item in &bill.items {
            let h = bill.held_for(&item.id);
            assert!(h >= 0 && h <= item.amount(), "{item:?} holds {h}");
        }
        for entry in &bill.entries {
            let allocated: i64 = bill
                .allocations
                .iter()
                .filter(|a| a.entry == entry.id)
                .map(|a| a.amount)
                .sum();
            assert_eq!(allocated, entry.amount, "allocations of {}", entry.id);
        }
        for payment in bill.entries.iter().filter(|e| e.kind == EntryKind::Payment) {
            let back: i64 = bill
                .entries
                .iter()
                .filter(|e| e.refund_of.as_deref() == Some(&payment.id))
                .inspect(|e| assert_eq!(e.method, payment.method, "back the way it came"))
                .map(|e| e.amount)
                .sum();
            assert!(back <= payment.amount);
        }
        assert!(bill.due() >= 0, "no money kept without an item");
    }
}

#[test]
fn a_move_to_a_cheaper_doctor_refunds_the_difference_through_the_payment() {
    let mut desk = Desk::default();
    let item = desk.add_item(6000, 1);
    assert_eq!(desk.pay("cash"), 6000);
    desk.move_item(&item, 1000);
    desk.check_invariants();
    assert_eq!(desk.bill.refunded(), 5000);
    assert_eq!(desk.bill.status(), BillStatus::Balanced);
    let refund = desk.bill.entries.last().unwrap();
    assert_eq!((refund.method.as_str(), refund.amount), ("cash", 5000));
}

#[test]
fn a_cancelled_visit_gives_everything_back_and_the_bill_is_cancelled() {
    let mut desk = Desk::default();
    let item = desk.add_item(1000, 1);
    desk.pay("wechat-pay");
    desk.move_item(&item, 6000);
    assert_eq!(desk.bill.due(), 5000);
    desk.pay("cash");
    let current = desk.bill.items.last().unwrap().id.clone();
    desk.refund_units(&current, 1).unwrap();
    desk.check_invariants();
    assert_eq!(desk.bill.refunded(), 6000);
    assert_eq!(desk.bill.status(), BillStatus::Cancelled);
    // Newest payment first: the cash 50 goes back as cash, the 10 by WeChat Pay.
    let refunds: Vec<(&str, i64)> = desk
        .bill
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Refund)
        .map(|e| (e.method.as_str(), e.amount))
        .collect();
    assert_eq!(refunds, [("cash", 5000), ("wechat-pay", 1000)]);
}

#[test]
fn a_performed_item_is_not_refundable_and_units_are_bounded() {
    let mut desk = Desk::default();
    let item = desk.add_item(500, 3);
    desk.pay("cash");
    assert_eq!(
        desk.refund_units(&item, 4),
        Err(RefundRefusal::TooManyUnits { quantity: 3 })
    );
    assert_eq!(desk.refund_units(&item, 1), Ok(500));
    desk.bill.items[0].performed = true;
    assert_eq!(desk.refund_units(&item, 1), Err(RefundRefusal::Performed));
    assert_eq!(
        desk.refund_units("nope", 1),
        Err(RefundRefusal::UnknownItem)
    );
    desk.check_invariants();
}

#[test]
fn an_unpaid_item_taken_off_returns_no_money() {
    let mut desk = Desk::default();
    let item = desk.add_item(2000, 2);
    assert_eq!(desk.refund_units(&item, 1), Ok(0));
    assert_eq!(desk.bill.due(), 2000);
}

#[test]
fn move_costs() {
    assert_eq!(move_cost(6000, 6000, 6000), MoveCost::Even);
    assert_eq!(
        move_cost(6000, 1000, 6000),
        MoveCost::Cheaper { refund: 5000 }
    );
    assert_eq!(move_cost(6000, 1000, 0), MoveCost::Cheaper { refund: 0 });
    assert_eq!(
        move_cost(1000, 6000, 1000),
        MoveCost::Dearer {
            difference: 5000,
            to_pay: 5000
        }
    );
    assert_eq!(
        move_cost(1000, 6000, 0),
        MoveCost::Dearer {
            difference: 5000,
            to_pay: 0
        }
    );
}

#[derive(Clone, Debug)]
enum Op {
    Add(i64, i64),
    Pay(u8),
    Refund(usize, i64),
    Move(usize, i64),
    Perform(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1..20_000i64, 1..5i64).prop_map(|(p, q)| Op::Add(p, q)),
        (0..3u8).prop_map(Op::Pay),
        (0..8usize, 1..4i64).prop_map(|(i, u)| Op::Refund(i, u)),
        (0..8usize, 0..20_000i64).prop_map(|(i, p)| Op::Move(i, p)),
        (0..8usize).prop_map(Op::Perform),
    ]
}

proptest! {
    /// Whatever the desk does, no item holds more than it costs, every entry is fully
    /// allocated, refunds go back through their payment's method, and a payment settles
    /// the bill.
    #[test]
    fn money_stays_exact_through_any_sequence(ops in prop::collection::vec(op(), 1..40)) {
        let mut desk = Desk::default();
        let methods = ["cash", "bank-card", "wechat-pay"];
        for op in ops {
            let ids: Vec<String> = desk.bill.items.iter().map(|i| i.id.clone()).collect();
            match op {
                Op::Add(price, quantity) => { desk.add_item(price, quantity); }
                Op::Pay(m) => {
                    desk.pay(methods[m as usize]);
                    prop_assert_eq!(desk.bill.due(), 0);
                }
                Op::Refund(i, units) => {
                    if let Some(id) = ids.get(i) {
                        let before = desk.bill.clone();
                        if desk.refund_units(id, units).is_err() {
                            prop_assert_eq!(&desk.bill, &before, "a refusal changes nothing");
                        }
                    }
                }
                Op::Move(i, fee) => {
                    if let Some(id) = ids.get(i)
                        && desk.bill.items[i].billable && !desk.bill.items[i].performed
                        && desk.bill.items[i].quantity == 1
                    {
                        let id = id.clone();
                        desk.move_item(&id, fee);
                    }
                }
                Op::Perform(i) => {
                    if let Some(item) = desk.bill.items.get_mut(i) { item.performed = true; }
                }
            }
            desk.check_invariants();
        }
    }
}
