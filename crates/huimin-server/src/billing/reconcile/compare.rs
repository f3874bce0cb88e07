//! The comparison, pure: the gateway's statement rows against Huimin's orders and refunds of
//! the same day, matched by the merchant's numbers (out_trade_no, out_refund_no), which both
//! sides know.

use std::collections::BTreeMap;

use huimin_gateways::billing::wechat::BillRow;
use huimin_store::billing::{DayOrder, DayRefund};
use serde::Serialize;

/// One thing the two sides do not agree on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The merchant order number.
    pub order: String,
    /// The merchant refund number (refunds only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund: Option<String>,
    /// The gateway's transaction id, as either side knows it.
    pub transaction: Option<String>,
    /// What the gateway's statement says (fen); `None`: it does not list it.
    pub gateway_fen: Option<i64>,
    /// What Huimin recorded (fen); `None`: Huimin has no record of it.
    pub huimin_fen: Option<i64>,
}

/// The differences of one kind of movement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Lists {
    /// The gateway has a success Huimin does not.
    pub missing_in_huimin: Vec<Difference>,
    /// Huimin recorded money the gateway does not have.
    pub extra_in_huimin: Vec<Difference>,
    /// Both have it, for different amounts.
    pub amount_mismatches: Vec<Difference>,
}

impl Lists {
    pub fn is_empty(&self) -> bool {
        self.missing_in_huimin.is_empty()
            && self.extra_in_huimin.is_empty()
            && self.amount_mismatches.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Payments and refunds both sides agree on.
    pub matched: i64,
    pub payments: Lists,
    pub refunds: Lists,
}

/// What Huimin holds as received for an order: the ledger payment when the money went on a
/// bill, else the order's amount (money that came and was sent back whole).
fn received(order: &DayOrder) -> i64 {
    order.entry_fen.unwrap_or(order.amount_fen)
}

pub fn compare(rows: &[BillRow], orders: &[DayOrder], refunds: &[DayRefund]) -> Outcome {
    let mut out = Outcome::default();
    let mut ours: BTreeMap<&str, &DayOrder> =
        orders.iter().map(|o| (o.order_id.as_str(), o)).collect();
    for row in rows.iter().filter(|r| r.trade_state == "SUCCESS") {
        let theirs = Some(row.settlement_fen);
        match ours.remove(row.out_trade_no.as_str()) {
            Some(order) if received(order) == row.settlement_fen => out.matched += 1,
            Some(order) => out.payments.amount_mismatches.push(Difference {
                order: order.order_id.clone(),
                refund: None,
                transaction: Some(row.transaction_id.clone()),
                gateway_fen: theirs,
                huimin_fen: Some(received(order)),
            }),
            None => out.payments.missing_in_huimin.push(Difference {
                order: row.out_trade_no.clone(),
                refund: None,
                transaction: Some(row.transaction_id.clone()),
                gateway_fen: theirs,
                huimin_fen: None,
            }),
        }
    }
    for order in ours.into_values() {
        out.payments.extra_in_huimin.push(Difference {
            order: order.order_id.clone(),
            refund: None,
            transaction: order.transaction.clone(),
            gateway_fen: None,
            huimin_fen: Some(received(order)),
        });
    }
    let mut ours: BTreeMap<&str, &DayRefund> =
        refunds.iter().map(|r| (r.refund_id.as_str(), r)).collect();
    for row in rows.iter().filter(|r| r.trade_state == "REFUND") {
        let difference = |huimin_fen| Difference {
            order: row.out_trade_no.clone(),
            refund: Some(row.out_refund_no.clone()),
            transaction: Some(row.transaction_id.clone()),
            gateway_fen: Some(row.refund_fen),
            huimin_fen,
        };
        match ours.remove(row.out_refund_no.as_str()) {
            Some(r) if r.amount_fen == row.refund_fen => out.matched += 1,
            Some(r) => out
                .refunds
                .amount_mismatches
                .push(difference(Some(r.amount_fen))),
            None => out.refunds.missing_in_huimin.push(difference(None)),
        }
    }
    for refund in ours.into_values() {
        out.refunds.extra_in_huimin.push(Difference {
            order: refund.order_id.clone(),
            refund: Some(refund.refund_id.clone()),
            transaction: None,
            gateway_fen: None,
            huimin_fen: Some(refund.amount_fen),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: &str, order: &str, settled: i64, refund_no: &str, refund: i64) -> BillRow {
        BillRow {
            time: "2026-12-06 10:00:00".into(),
            transaction_id: format!("42{order}"),
            out_trade_no: order.into(),
            openid: String::new(),
            trade_state: state.into(),
            settlement_fen: settled,
            refund_id: String::new(),
            out_refund_no: refund_no.into(),
            refund_fen: refund,
            refund_status: String::new(),
            description: String::new(),
            attach: String::new(),
            fee: String::new(),
        }
    }

    fn order(id: &str, amount: i64, entry: Option<i64>) -> DayOrder {
        DayOrder {
            order_id: id.into(),
            transaction: Some(format!("42{id}")),
            amount_fen: amount,
            status: "paid".into(),
            entry_fen: entry,
            paid_at: 0,
        }
    }

    fn refund(id: &str, order: &str, amount: i64) -> DayRefund {
        DayRefund {
            refund_id: id.into(),
            order_id: order.into(),
            amount_fen: amount,
            settled_at: 0,
        }
    }

    #[test]
    fn a_day_both_sides_agree_on_is_all_matched() {
        let rows = [
            row("SUCCESS", "A", 5000, "", 0),
            row("SUCCESS", "B", 300, "", 0),
            row("REFUND", "A", 0, "R1", 1000),
        ];
        let out = compare(
            &rows,
            &[order("A", 5000, Some(5000)), order("B", 300, None)],
            &[refund("R1", "A", 1000)],
        );
        assert_eq!(out.matched, 3);
        assert!(out.payments.is_empty() && out.refunds.is_empty(), "{out:?}");
    }

    #[test]
    fn each_difference_lands_in_its_own_list() {
        let rows = [
            row("SUCCESS", "THEIRS", 100, "", 0),
            row("SUCCESS", "CHANGED", 4900, "", 0),
            row("REFUND", "CHANGED", 0, "R-THEIRS", 10),
            row("REFUND", "CHANGED", 0, "R-CHANGED", 20),
        ];
        let out = compare(
            &rows,
            &[
                order("CHANGED", 5000, Some(5000)),
                order("OURS", 700, Some(700)),
            ],
            &[
                refund("R-CHANGED", "CHANGED", 25),
                refund("R-OURS", "OURS", 5),
            ],
        );
        assert_eq!(out.matched, 0);
        let orders = |l: &[Difference]| l.iter().map(|d| d.order.clone()).collect::<Vec<_>>();
        assert_eq!(orders(&out.payments.missing_in_huimin), ["THEIRS"]);
        assert_eq!(orders(&out.payments.extra_in_huimin), ["OURS"]);
        let changed = &out.payments.amount_mismatches;
        assert_eq!(orders(changed), ["CHANGED"]);
        assert_eq!(
            (changed[0].gateway_fen, changed[0].huimin_fen),
            (Some(4900), Some(5000))
        );
        let refunds = |l: &[Difference]| {
            l.iter()
                .map(|d| d.refund.clone().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(refunds(&out.refunds.missing_in_huimin), ["R-THEIRS"]);
        assert_eq!(refunds(&out.refunds.extra_in_huimin), ["R-OURS"]);
        assert_eq!(refunds(&out.refunds.amount_mismatches), ["R-CHANGED"]);
    }

    #[test]
    fn a_ledger_payment_unlike_its_order_is_compared_by_the_ledger() {
        let out = compare(
            &[row("SUCCESS", "A", 5000, "", 0)],
            &[order("A", 5000, Some(4000))],
            &[],
        );
        assert_eq!(out.payments.amount_mismatches.len(), 1);
        assert_eq!(out.payments.amount_mismatches[0].huimin_fen, Some(4000));
    }

    #[test]
    fn a_payment_listed_twice_by_the_gateway_is_missing_the_second_time() {
        let rows = [
            row("SUCCESS", "A", 50, "", 0),
            row("SUCCESS", "A", 50, "", 0),
        ];
        let out = compare(&rows, &[order("A", 50, Some(50))], &[]);
        assert_eq!(out.matched, 1);
        assert_eq!(out.payments.missing_in_huimin.len(), 1);
    }
}
