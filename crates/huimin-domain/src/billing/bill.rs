//! A visit's bill as numbers: its items, the payments and refunds against it and how they
//! were allocated to items. Every function is a plan the store then writes; nothing here
//! changes a bill, so a refusal leaves the data as it was.
//!
//! The rule kept everywhere: an item never holds more money than its amount (an aborted
//! item holds none); money beyond it goes back through the payments that brought it, the
//! newest first ([`Bill::excess_refunds`]).

use std::collections::BTreeMap;

use crate::i18n::Text;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub unit_price: i64,
    pub quantity: i64,
    pub billable: bool,
    pub performed: bool,
}

impl Item {
    /// What the item costs now: nothing once aborted.
    pub fn amount(&self) -> i64 {
        if self.billable {
            self.unit_price * self.quantity
        } else {
            0
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Payment,
    Refund,
}

impl EntryKind {
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Payment => "payment",
            EntryKind::Refund => "refund",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "payment" => Some(EntryKind::Payment),
            "refund" => Some(EntryKind::Refund),
            _ => None,
        }
    }
}

/// A payment or a refund. `order` sorts entries by when they were recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub kind: EntryKind,
    pub method: String,
    pub amount: i64,
    /// For a refund: the payment it goes back through.
    pub refund_of: Option<String>,
    pub order: i64,
}

/// How much of an entry went to one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub entry: String,
    pub item: String,
    pub amount: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillStatus {
    /// Money is due.
    Issued,
    /// Paid − refunded equals the billable items' total, which is not zero.
    Balanced,
    /// No billable item and no money held.
    Cancelled,
}

impl BillStatus {
    /// The FHIR `Invoice.status` code.
    pub fn code(self) -> &'static str {
        match self {
            BillStatus::Issued => "issued",
            BillStatus::Balanced => "balanced",
            BillStatus::Cancelled => "cancelled",
        }
    }
}

/// Money to give back through one payment, from one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundPart {
    pub payment: String,
    pub method: String,
    pub item: String,
    pub amount: i64,
}

/// One refund entry to write: through `payment`, by its method, from these items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedRefund {
    pub payment: String,
    pub method: String,
    pub parts: Vec<RefundPart>,
}

impl PlannedRefund {
    pub fn amount(&self) -> i64 {
        self.parts.iter().map(|p| p.amount).sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RefundRefusal {
    #[error("no such charge item on this bill")]
    UnknownItem,
    #[error("the charge item is already cancelled")]
    Aborted,
    #[error("the service was already given")]
    Performed,
    #[error("only {quantity} units are left on the charge item")]
    TooManyUnits { quantity: i64 },
    #[error("nothing to refund")]
    Nothing,
    #[error("the fee of a visit still booked is refunded by cancelling the visit")]
    CancelTheVisit,
}

impl RefundRefusal {
    pub fn message(&self) -> Text {
        match self {
            RefundRefusal::UnknownItem => Text::new("账单上没有该收费项目", self.to_string()),
            RefundRefusal::Aborted => Text::new("该收费项目已取消", self.to_string()),
            RefundRefusal::Performed => Text::new(
                "该项目已执行，不能退费",
                "the service was already given: no refund",
            ),
            RefundRefusal::TooManyUnits { quantity } => Text::new(
                format!("该收费项目只剩 {quantity} 个单位"),
                self.to_string(),
            ),
            RefundRefusal::Nothing => Text::new("没有可退的项目", self.to_string()),
            RefundRefusal::CancelTheVisit => Text::new(
                "预约仍有效，挂号费请通过退号退还（取消预约后自动全额退费）",
                "The visit is still booked: cancel it to refund its fee (in full, automatically)",
            ),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bill {
    pub items: Vec<Item>,
    pub entries: Vec<Entry>,
    pub allocations: Vec<Allocation>,
}

impl Bill {
    /// The billable items' total.
    pub fn total(&self) -> i64 {
        self.items.iter().map(Item::amount).sum()
    }

    fn sum(&self, kind: EntryKind) -> i64 {
        self.entries
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.amount)
            .sum()
    }

    pub fn paid(&self) -> i64 {
        self.sum(EntryKind::Payment)
    }

    pub fn refunded(&self) -> i64 {
        self.sum(EntryKind::Refund)
    }

    /// What is still to pay (negative when money is held beyond the items).
    pub fn due(&self) -> i64 {
        self.total() - (self.paid() - self.refunded())
    }

    pub fn status(&self) -> BillStatus {
        if self.due() > 0 {
            BillStatus::Issued
        } else if self.total() == 0 && self.paid() == self.refunded() {
            BillStatus::Cancelled
        } else {
            BillStatus::Balanced
        }
    }

    fn kind_of(&self, entry: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == entry)
    }

    /// Money held for one item: what payments gave it less what refunds took back.
    pub fn held_for(&self, item: &str) -> i64 {
        self.allocations
            .iter()
            .filter(|a| a.item == item)
            .map(|a| match self.kind_of(&a.entry).map(|e| e.kind) {
                Some(EntryKind::Payment) => a.amount,
                Some(EntryKind::Refund) => -a.amount,
                None => 0,
            })
            .sum()
    }

    /// What a payment of the whole balance gives each item.
    pub fn payment_plan(&self) -> Vec<(String, i64)> {
        self.items
            .iter()
            .filter_map(|item| {
                let owed = item.amount() - self.held_for(&item.id);
                (owed > 0).then(|| (item.id.clone(), owed))
            })
            .collect()
    }

    /// Money held for one item per payment, newest payment first: what refunds of that
    /// item can still take back through each.
    fn held_by_payment(&self, item: &str) -> Vec<(&Entry, i64)> {
        let mut held: BTreeMap<&str, i64> = BTreeMap::new();
        for a in self.allocations.iter().filter(|a| a.item == item) {
            let Some(entry) = self.kind_of(&a.entry) else {
                continue;
            };
            match (entry.kind, &entry.refund_of) {
                (EntryKind::Payment, _) => *held.entry(&entry.id).or_default() += a.amount,
                (EntryKind::Refund, Some(payment)) => {
                    *held.entry(payment.as_str()).or_default() -= a.amount
                }
                (EntryKind::Refund, None) => {}
            }
        }
        let mut payments: Vec<(&Entry, i64)> = held
            .into_iter()
            .filter(|(_, amount)| *amount > 0)
            .filter_map(|(id, amount)| self.kind_of(id).map(|e| (e, amount)))
            .collect();
        payments.sort_by(|(a, _), (b, _)| (b.order, &b.id).cmp(&(a.order, &a.id)));
        payments
    }

    /// The refunds that bring every item back to holding at most its amount, each through
    /// the newest payments of that item first.
    pub fn excess_refunds(&self) -> Vec<RefundPart> {
        let mut parts = Vec::new();
        for item in &self.items {
            let mut excess = self.held_for(&item.id) - item.amount();
            for (payment, held) in self.held_by_payment(&item.id) {
                if excess <= 0 {
                    break;
                }
                let amount = excess.min(held);
                parts.push(RefundPart {
                    payment: payment.id.clone(),
                    method: payment.method.clone(),
                    item: item.id.clone(),
                    amount,
                });
                excess -= amount;
            }
        }
        parts
    }

    /// [`excess_refunds`](Self::excess_refunds) as one refund entry per payment, in the
    /// order they go back (the newest payment first).
    pub fn planned_refunds(&self) -> Vec<PlannedRefund> {
        let mut planned: Vec<PlannedRefund> = Vec::new();
        for part in self.excess_refunds() {
            match planned.iter_mut().find(|r| r.payment == part.payment) {
                Some(refund) => refund.parts.push(part),
                None => planned.push(PlannedRefund {
                    payment: part.payment.clone(),
                    method: part.method.clone(),
                    parts: vec![part],
                }),
            }
        }
        planned
    }

    /// Whether `units` of an item may be refunded (taken off the bill).
    pub fn check_refund(&self, item: &str, units: i64) -> Result<(), RefundRefusal> {
        let item = self
            .items
            .iter()
            .find(|i| i.id == item)
            .ok_or(RefundRefusal::UnknownItem)?;
        if !item.billable {
            return Err(RefundRefusal::Aborted);
        }
        if item.performed {
            return Err(RefundRefusal::Performed);
        }
        if units < 1 || units > item.quantity {
            return Err(RefundRefusal::TooManyUnits {
                quantity: item.quantity,
            });
        }
        Ok(())
    }

    /// Items that may still be refunded, with their units: billable and not performed.
    pub fn refundable(&self) -> Vec<(String, i64)> {
        self.items
            .iter()
            .filter(|i| i.billable && !i.performed)
            .map(|i| (i.id.clone(), i.quantity))
            .collect()
    }
}

/// What moving a visit from one fee to another costs the patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveCost {
    /// The same fee.
    Even,
    /// A lower fee: `refund` of what was paid goes back (0 when nothing was paid).
    Cheaper { refund: i64 },
    /// A higher fee: `to_pay` is due now (0 when nothing had been paid: the whole new fee is
    /// then paid as any fee is).
    Dearer { difference: i64, to_pay: i64 },
}

/// The cost of a move from `old_fee` (of which `held` was paid) to `new_fee`.
pub fn move_cost(old_fee: i64, new_fee: i64, held: i64) -> MoveCost {
    use std::cmp::Ordering;
    match new_fee.cmp(&old_fee) {
        Ordering::Equal => MoveCost::Even,
        Ordering::Less => MoveCost::Cheaper {
            refund: (held - new_fee).max(0),
        },
        Ordering::Greater => MoveCost::Dearer {
            difference: new_fee - old_fee,
            to_pay: if held > 0 { new_fee - held } else { 0 },
        },
    }
}

#[cfg(test)]
#[path = "bill_tests.rs"]
mod tests;
