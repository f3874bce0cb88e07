//! A visit's money as the desk shows it, read from `GET /api/appointments/{id}/bill`: the
//! bill's items, payments and refunds, totals and status, or the fee still to pay when no
//! bill is open, or the appointment the visit moved to.

use huimin_domain::i18n::Lang;
use huimin_fhir::names::{BALANCE_DUE_EXT, PAID_EXT, REFUNDED_EXT};
use serde_json::Value;

use crate::fhir::{extension_fen, fen_in};
use crate::fmt;
use crate::i18n::{pick, t};

/// One charge item of the bill.
pub struct ItemLine {
    pub id: String,
    pub name: String,
    pub quantity: i64,
    pub amount: String,
    /// The money the bill holds for it.
    pub paid: String,
    pub billable: bool,
    /// When the service was given (it can no longer be refunded); empty until then.
    pub performed: String,
    /// The fee of a visit still booked: refunded by cancelling the visit, not here.
    pub cancel_first: bool,
}

impl ItemLine {
    pub fn refundable(&self) -> bool {
        self.billable && self.performed.is_empty() && !self.cancel_first
    }
}

/// A payment or a refund.
pub struct EntryLine {
    pub refund: bool,
    pub kind: &'static str,
    pub amount: String,
    pub method: String,
    /// Why money went back (the API's reason, then the cashier's note).
    pub reason: String,
    pub by: String,
    pub at: String,
}

pub struct BillView {
    pub id: String,
    /// `issued`, `balanced` or `cancelled`.
    pub status: String,
    pub status_text: &'static str,
    pub items: Vec<ItemLine>,
    pub entries: Vec<EntryLine>,
    pub total: i64,
    pub paid: i64,
    pub refunded: i64,
    pub due: i64,
}

impl BillView {
    pub fn refundable(&self) -> bool {
        self.items.iter().any(ItemLine::refundable)
    }

    pub fn total_text(&self) -> String {
        fmt::fen(self.total)
    }

    pub fn paid_text(&self) -> String {
        fmt::fen(self.paid)
    }

    pub fn refunded_text(&self) -> String {
        fmt::fen(self.refunded)
    }

    pub fn due_text(&self) -> String {
        fmt::fen(self.due)
    }
}

/// What the visit costs and where its money stands.
#[derive(Default)]
pub struct VisitMoney {
    pub bill: Option<BillView>,
    /// The fee to pay when no bill is open yet (0 for a free clinic).
    pub fee: i64,
    /// The appointment this one was moved to (its bill went along).
    pub moved_to: Option<String>,
}

impl VisitMoney {
    pub fn read(body: &Value, lang: Lang) -> Self {
        let moved_to = body["moved_to"]
            .as_str()
            .and_then(|r| r.strip_prefix("Appointment/"))
            .map(str::to_owned);
        let bill = body["invoice"].is_object().then(|| bill_of(body, lang));
        VisitMoney {
            bill,
            fee: fen_in(&body["fee"]),
            moved_to,
        }
    }

    /// The money the bill holds (paid less refunded); 0 without a bill.
    pub fn held(&self) -> i64 {
        self.bill.as_ref().map_or(0, |b| b.paid - b.refunded)
    }

    /// What the desk can take now.
    pub fn due(&self) -> i64 {
        match (&self.bill, &self.moved_to) {
            (Some(bill), _) => bill.due,
            (None, Some(_)) => 0,
            (None, None) => self.fee,
        }
    }

    pub fn due_text(&self) -> String {
        fmt::fen(self.due())
    }

    /// The state beside the visit: `未缴费 ¥30.00`, `已缴费 ¥30.00`, `待缴 ¥5.00`,
    /// `已退费`; empty for a free visit or a moved one (shown as moved instead).
    pub fn summary(&self, lang: Lang) -> String {
        let word = |key: &str| t(lang, key);
        match (&self.bill, &self.moved_to) {
            (_, Some(_)) => String::new(),
            (None, None) if self.fee > 0 => {
                format!("{} {}", word("desk.payment.unpaid"), fmt::fen(self.fee))
            }
            (None, None) => String::new(),
            (Some(b), _) if b.status == "cancelled" => word("desk.payment.refunded").to_owned(),
            (Some(b), _) if b.due > 0 && b.paid == 0 => {
                format!("{} {}", word("desk.payment.unpaid"), fmt::fen(b.due))
            }
            (Some(b), _) if b.due > 0 => {
                format!("{} {}", word("desk.payment.due"), fmt::fen(b.due))
            }
            (Some(b), _) if b.refunded > 0 => format!(
                "{} {} · {} {}",
                word("desk.payment.paid"),
                fmt::fen(b.total),
                word("bill.refunded"),
                fmt::fen(b.refunded)
            ),
            (Some(b), _) => format!("{} {}", word("desk.payment.paid"), fmt::fen(b.total)),
        }
    }
}

fn text(value: &Value, lang: Lang) -> String {
    pick(
        lang,
        value["zh"].as_str().unwrap_or_default(),
        value["en"].as_str().unwrap_or_default(),
    )
    .to_owned()
}

fn bill_of(body: &Value, lang: Lang) -> BillView {
    let invoice = &body["invoice"];
    let cancel_first: Vec<&str> = body["refund_by_cancelling"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let items = body["charge_items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| ItemLine {
            id: item["id"].as_str().unwrap_or_default().to_owned(),
            name: match &body["item_names"][item["id"].as_str().unwrap_or_default()] {
                Value::Null => item["code"]["text"].as_str().unwrap_or_default().to_owned(),
                names => text(names, lang),
            },
            cancel_first: cancel_first.contains(&item["id"].as_str().unwrap_or_default()),
            quantity: item["quantity"]["value"].as_i64().unwrap_or(0),
            amount: fmt::fen(fen_in(&item["priceOverride"])),
            paid: fmt::fen(extension_fen(item, PAID_EXT)),
            billable: item["status"] == "billable",
            performed: item["occurrenceDateTime"]
                .as_str()
                .map(|at| fmt::moment(at, lang))
                .unwrap_or_default(),
        })
        .collect();
    let entries = body["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let refund = e["kind"] == "refund";
            let reason = [
                text(&e["reason_display"], lang),
                e["note"].as_str().unwrap_or_default().to_owned(),
            ];
            EntryLine {
                refund,
                kind: t(
                    lang,
                    if refund {
                        "bill.refund"
                    } else {
                        "bill.payment"
                    },
                ),
                amount: fmt::fen(fen_in(&e["amount"])),
                method: match text(&e["method_display"], lang) {
                    shown if shown.is_empty() => {
                        e["method"].as_str().unwrap_or_default().to_owned()
                    }
                    shown => shown,
                },
                reason: reason
                    .into_iter()
                    .filter(|r| !r.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                by: e["recorded_by"].as_str().unwrap_or_default().to_owned(),
                at: fmt::moment(e["recorded_at"].as_str().unwrap_or_default(), lang),
            }
        })
        .collect();
    let status = invoice["status"].as_str().unwrap_or_default().to_owned();
    BillView {
        id: invoice["id"].as_str().unwrap_or_default().to_owned(),
        status_text: match status.as_str() {
            "issued" => t(lang, "bill.status.issued"),
            "cancelled" => t(lang, "bill.status.cancelled"),
            _ => t(lang, "bill.status.balanced"),
        },
        status,
        items,
        entries,
        total: fen_in(&invoice["totalNet"]),
        paid: extension_fen(invoice, PAID_EXT),
        refunded: extension_fen(invoice, REFUNDED_EXT),
        due: extension_fen(invoice, BALANCE_DUE_EXT),
    }
}

#[cfg(test)]
#[path = "bill_tests.rs"]
mod tests;
