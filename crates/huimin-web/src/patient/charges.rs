//! The "费用 / Charges" section of a patient's appointment: what the visit costs, what was
//! paid and how, what is still due, and one button per online payment method when
//! something is due. The figures come from the visit's bill (`GET
//! /api/appointments/{id}/bill`, read by the desk's [`VisitMoney`]); the methods from
//! `GET /api/payments/channels` (none when the hospital takes no online payment).

use huimin_domain::i18n::Lang;
use serde_json::Value;

use crate::api::Api;
use crate::billing::VisitMoney;
use crate::fmt;
use crate::i18n::{pick, t};
use crate::web::Web;

/// One line of the bill: an item and its amount.
pub struct ChargeLine {
    pub name: String,
    pub amount: String,
}

/// One big pay button: "微信支付 ¥50.00".
pub struct PayButton {
    /// The API's channel code (`wechat-pay`, `alipay`), posted by the button.
    pub code: String,
    pub label: String,
}

/// The section as the page shows it; empty (not shown) for a free visit without a bill.
#[derive(Default)]
pub struct Charges {
    pub lines: Vec<ChargeLine>,
    pub paid: String,
    pub refunded: String,
    pub due: String,
    /// "已缴费 ¥50.00 · 微信支付" once nothing is due and something was paid.
    pub settled: String,
    /// When the last payment was taken, beside `settled`.
    pub settled_at: String,
    pub buttons: Vec<PayButton>,
    /// The bill (`Invoice/<id>`), once the visit has one.
    pub invoice: Option<String>,
    /// The patient is insured: the pool and the personal account pay their parts when the
    /// bill is settled, so the buttons do not promise the whole amount.
    pub insured: bool,
}

impl Charges {
    pub fn shown(&self) -> bool {
        !self.lines.is_empty() || !self.settled.is_empty() || !self.due.is_empty()
    }
}

/// A payment method the hospital takes online, as `GET /api/payments/channels` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Channel {
    pub code: String,
    pub zh: String,
    pub en: String,
}

pub fn channels_of(body: &Value) -> Vec<Channel> {
    body["channels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some(Channel {
                code: c["code"].as_str()?.to_owned(),
                zh: c["zh"].as_str().unwrap_or_default().to_owned(),
                en: c["en"].as_str().unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

/// "微信支付 ¥50.00": the method's name in the visitor's language and the sum it will take.
pub fn button_label(channel: &Channel, due_fen: i64, lang: Lang) -> String {
    format!(
        "{} {}",
        pick(lang, &channel.zh, &channel.en),
        fmt::fen(due_fen)
    )
}

/// The section from a bill answer. `payable`: the visit can still take money (held or
/// booked), so buttons are offered when something is due.
pub fn from_bill(
    body: &Value,
    channels: &[Channel],
    payable: bool,
    insured: bool,
    lang: Lang,
) -> Charges {
    let money = VisitMoney::read(body, lang);
    if money.moved_to.is_some() {
        // The bill went along with the visit it moved to, and is shown there.
        return Charges::default();
    }
    let due = money.due();
    let mut charges = Charges {
        invoice: money.bill.as_ref().map(|b| format!("Invoice/{}", b.id)),
        insured,
        ..Charges::default()
    };
    match &money.bill {
        Some(bill) => {
            charges.lines = bill
                .items
                .iter()
                .map(|i| ChargeLine {
                    name: i.name.clone(),
                    amount: i.amount.clone(),
                })
                .collect();
            // Once settled, the "已缴费 … · 微信支付" line below says it with the method.
            if bill.paid > 0 && (due > 0 || bill.refunded > 0) {
                charges.paid = fmt::fen(bill.paid);
            }
            if bill.refunded > 0 {
                charges.refunded = fmt::fen(bill.refunded);
            }
            let last_payment = bill.entries.iter().rev().find(|e| !e.refund);
            if due == 0 && bill.paid > bill.refunded {
                let payments: Vec<&_> = bill.entries.iter().filter(|e| !e.refund).collect();
                let split = payments.iter().any(|e| e.method != payments[0].method);
                // An insured bill is paid in parts (pool, account, cash): each is named.
                let method = if split && bill.refunded == 0 {
                    payments
                        .iter()
                        .map(|e| format!("{} {}", e.method, e.amount))
                        .collect::<Vec<_>>()
                        .join(" · ")
                } else {
                    last_payment.map(|e| e.method.clone()).unwrap_or_default()
                };
                charges.settled = settled_text(bill.paid - bill.refunded, &method, lang);
                charges.settled_at = last_payment.map(|e| e.at.clone()).unwrap_or_default();
            }
        }
        None if money.fee > 0 => {
            charges.lines = vec![ChargeLine {
                name: t(lang, "charges.fee").to_owned(),
                amount: fmt::fen(money.fee),
            }];
        }
        None => return Charges::default(),
    }
    if due > 0 {
        charges.due = fmt::fen(due);
        if payable {
            charges.buttons = channels
                .iter()
                .map(|c| PayButton {
                    code: c.code.clone(),
                    label: if insured {
                        pick(lang, &c.zh, &c.en).to_owned()
                    } else {
                        button_label(c, due, lang)
                    },
                })
                .collect();
        }
    }
    charges
}

/// "已缴费 ¥50.00 · 微信支付" (the method left out when the bill does not say).
pub fn settled_text(fen: i64, method: &str, lang: Lang) -> String {
    let mut text = format!("{} {}", t(lang, "pay.paid"), fmt::fen(fen));
    if !method.is_empty() {
        text.push_str(" · ");
        text.push_str(method);
    }
    text
}

/// The section of appointment `id` whose status is `status`.
pub async fn read(api: &Api, web: &Web, id: &str, status: &str, patient: &str) -> Charges {
    let bill = api.get(web, &format!("/api/appointments/{id}/bill")).await;
    if !bill.ok() {
        return Charges::default();
    }
    let payable = matches!(status, "pending" | "booked" | "checked-in" | "fulfilled");
    let channels = if payable {
        channels_of(&api.get(web, "/api/payments/channels").await.body)
    } else {
        Vec::new()
    };
    let insured = !patient.is_empty()
        && api
            .get(web, &format!("/api/patients/{patient}/insurance"))
            .await
            .body["insured_no"]
            .is_string();
    from_bill(&bill.body, &channels, payable, insured, web.lang)
}

#[cfg(test)]
#[path = "charges_tests.rs"]
mod tests;
