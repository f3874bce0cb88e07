//! Paying a bill through a payment gateway (`docs/design/payments.md`): orders sent to the
//! gateway, the notices that apply them to the ledger exactly once, and money that goes back
//! through the gateway (refunds of online payments, and payments that arrived for a bill that
//! no longer needed them).
//!
//! A notice is applied in one transaction that locks the order and then the bill: a repeated
//! notice finds the order paid and changes nothing; a notice whose money the bill no longer
//! needs (paid at the desk meanwhile, the visit cancelled, an item added) is not applied and
//! its money goes back, so a bill is never paid twice and a payment never lands on another.

use sqlx::{AnyConnection, Row};

use super::sheet::{EntryRecord, bill_id_of, load_sheet, lock_bill};
use crate::appointments::fetch_appointment;
use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayOrder {
    /// The merchant order number the gateway knows it by (out_trade_no).
    pub id: String,
    pub bill_id: String,
    pub patient_id: String,
    /// The payment method it is recorded under in the ledger (`wechat-pay`, `alipay`).
    pub channel: String,
    /// The gateway that carries it (`sandbox`, `wechat`, `alipay`).
    pub provider: String,
    pub amount_fen: i64,
    /// What the pool fund and the personal account pay beside it (the pre-settlement).
    pub pool_fen: i64,
    pub account_fen: i64,
    /// `pending`, `paid`, `closed`, `refund-due` or `refunded`.
    pub status: String,
    pub checkout_url: Option<String>,
    pub gateway_txn: Option<String>,
    pub entry_id: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub paid_at: Option<i64>,
}

const ORDER_COLUMNS: &str = "id, bill_id, patient_id, channel, provider, amount_fen, status, \
     checkout_url, gateway_txn, entry_id, created_by, created_at, expires_at, paid_at, pool_fen, \
     account_fen";

fn order_from_row(row: &sqlx::any::AnyRow) -> Result<PayOrder, StoreError> {
    Ok(PayOrder {
        id: row.try_get(0)?,
        bill_id: row.try_get(1)?,
        patient_id: row.try_get(2)?,
        channel: row.try_get(3)?,
        provider: row.try_get(4)?,
        amount_fen: row.try_get(5)?,
        status: row.try_get(6)?,
        checkout_url: row.try_get(7)?,
        gateway_txn: row.try_get(8)?,
        entry_id: row.try_get(9)?,
        created_by: row.try_get(10)?,
        created_at: row.try_get(11)?,
        expires_at: row.try_get(12)?,
        paid_at: row.try_get(13)?,
        pool_fen: row.try_get(14)?,
        account_fen: row.try_get(15)?,
    })
}

pub(crate) async fn fetch_order(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<PayOrder>, StoreError> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM pay_orders WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(order_from_row).transpose()
}

/// Why an order cannot be started.
#[derive(Debug, thiserror::Error)]
pub enum PayError {
    #[error("no such appointment")]
    NotFound,
    #[error("nothing is due on this bill")]
    NothingDue,
    #[error("the visit is cancelled")]
    Cancelled,
    #[error("the held place has lapsed")]
    HoldLapsed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PayError {
    fn from(e: sqlx::Error) -> Self {
        PayError::Store(e.into())
    }
}

/// What starting an order did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Started {
    pub order: PayOrder,
    /// Whether `order` was already open for this bill, channel and amount (a second tab).
    pub reused: bool,
    /// Other pending orders of the bill, closed here: the gateway should close them too.
    pub closed: Vec<PayOrder>,
}

/// What to pay and how, when starting an order.
#[derive(Clone, Debug)]
pub struct OrderRequest<'a> {
    pub appointment_id: &'a str,
    pub channel: &'a str,
    pub provider: &'a str,
    pub by: &'a str,
    pub now: i64,
    /// How long the order stays open; a held place's own expiry comes first.
    pub ttl_micros: i64,
    /// The insurance rules, and the year in the hospital's time zone: an insured patient's
    /// order is for the cash part of the settlement only.
    pub insurance: Option<(&'a super::InsuranceRules, i32)>,
}

/// A verified notice that an order was paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaidNotice {
    pub order_id: String,
    /// The gateway's transaction id.
    pub transaction: String,
    pub amount_fen: i64,
    pub currency: String,
    pub paid_at: i64,
}

/// Why a verified notice was not applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoticeRefusal {
    #[error("no order {0}")]
    UnknownOrder(String),
    #[error("amount {got} fen does not match the order's {expected} fen")]
    Amount { expected: i64, got: i64 },
    #[error("currency {0} is not CNY")]
    Currency(String),
    #[error("order already paid by transaction {0}")]
    OtherTransaction(String),
}

/// What a verified notice did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeOutcome {
    /// The payment is on the bill (entry written, a held place confirmed).
    Applied {
        order: Box<PayOrder>,
        entry: Box<EntryRecord>,
    },
    /// The notice was applied before: nothing changed.
    Repeat {
        order: PayOrder,
    },
    /// The bill no longer needed the money: it goes back through the gateway.
    RefundDue {
        order: PayOrder,
        refund_id: String,
    },
    Refused(NoticeRefusal),
}

impl Store {
    /// Opens an order for what is due on the visit's bill (opening the bill if need be),
    /// or gives back the open one for the same channel and amount.
    pub async fn start_pay_order(
        &self,
        r: &OrderRequest<'_>,
        new_id: impl FnOnce() -> String,
    ) -> Result<Started, PayError> {
        let mut tx = self.writer.begin().await?;
        let appointment = fetch_appointment(&mut tx, r.appointment_id)
            .await?
            .ok_or(PayError::NotFound)?;
        let mut expires_at = r.now + r.ttl_micros;
        match appointment.status.code() {
            "cancelled" | "noshow" | "entered-in-error" => return Err(PayError::Cancelled),
            "pending" => {
                let hold = appointment.hold_expires_at.unwrap_or(i64::MIN);
                if hold <= r.now {
                    return Err(PayError::HoldLapsed);
                }
                expires_at = expires_at.min(hold);
            }
            _ => {}
        }
        let bill_id = match bill_id_of(&mut tx, r.appointment_id).await? {
            Some(id) => {
                lock_bill(&mut tx, &id).await?;
                id
            }
            None => super::open_bill_in(&mut tx, &appointment, Some(r.by), r.now).await?,
        };
        let sheet = load_sheet(&mut tx, &bill_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let numbers = sheet.numbers();
        if numbers.status() == huimin_domain::billing::BillStatus::Cancelled {
            return Err(PayError::Cancelled);
        }
        let due = numbers.due();
        if due <= 0 {
            return Err(PayError::NothingDue);
        }
        let settlement = match r.insurance {
            Some((rules, year)) => {
                super::insurance::presettle_in(&mut tx, &sheet, rules, year).await?
            }
            None => None,
        };
        let (cash, pool, account) = match &settlement {
            Some(s) => (s.totals.self_pay, s.totals.pool, s.totals.account),
            None => (due, 0, 0),
        };
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM pay_orders WHERE bill_id = $1 AND status = 'pending' \
             ORDER BY created_at"
        );
        let open = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&bill_id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(order_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let same = |o: &PayOrder| {
            o.channel == r.channel
                && o.provider == r.provider
                && o.amount_fen == cash
                && (o.pool_fen, o.account_fen) == (pool, account)
                && o.expires_at > r.now
                && o.checkout_url.is_some()
        };
        if let Some(order) = open.iter().find(|o| same(o)).cloned() {
            tx.commit().await?;
            return Ok(Started {
                order,
                reused: true,
                closed: Vec::new(),
            });
        }
        let mut closed = Vec::new();
        for order in open {
            close_in(&mut tx, &order.id, r.now).await?;
            closed.push(order);
        }
        let mut order = PayOrder {
            id: new_id(),
            bill_id,
            patient_id: appointment.patient_id.clone(),
            channel: r.channel.to_owned(),
            provider: r.provider.to_owned(),
            amount_fen: cash,
            pool_fen: pool,
            account_fen: account,
            status: "pending".into(),
            checkout_url: None,
            gateway_txn: None,
            entry_id: None,
            created_by: r.by.to_owned(),
            created_at: r.now,
            expires_at,
            paid_at: None,
        };
        sqlx::query(
            "INSERT INTO pay_orders (id, bill_id, patient_id, channel, provider, amount_fen, \
             status, created_by, created_at, expires_at, updated_at, pool_fen, account_fen) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, $12)",
        )
        .bind(&order.id)
        .bind(&order.bill_id)
        .bind(&order.patient_id)
        .bind(&order.channel)
        .bind(&order.provider)
        .bind(order.amount_fen)
        .bind(&order.created_by)
        .bind(order.created_at)
        .bind(order.expires_at)
        .bind(r.now)
        .bind(pool)
        .bind(account)
        .execute(&mut *tx)
        .await?;
        if let Some(settlement) = settlement.filter(|s| s.totals.self_pay == 0) {
            // The insurance pays it all: settled now, with nothing to pay at a gateway.
            super::insurance::pay_settled_in(
                &mut tx,
                &sheet,
                &settlement,
                r.channel,
                Some(&order.id),
                Some(r.by),
                r.now,
            )
            .await?;
            if appointment.status.code() == "pending" {
                crate::appointments::confirm_in(&mut tx, &appointment.id, r.now).await?;
            }
            sqlx::query("UPDATE pay_orders SET status = 'paid', paid_at = $1 WHERE id = $2")
                .bind(r.now)
                .bind(&order.id)
                .execute(&mut *tx)
                .await?;
            order.status = "paid".into();
            order.paid_at = Some(r.now);
        }
        tx.commit().await?;
        Ok(Started {
            order,
            reused: false,
            closed,
        })
    }

    /// Records where the patient pays the order (the gateway's checkout page).
    pub async fn set_checkout(&self, order: &str, url: &str, now: i64) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await?;
        sqlx::query("UPDATE pay_orders SET checkout_url = $1, updated_at = $2 WHERE id = $3")
            .bind(url)
            .bind(now)
            .bind(order)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Closes a pending order (the gateway refused it, or reported it failed or closed).
    pub async fn close_pay_order(&self, order: &str, now: i64) -> Result<bool, StoreError> {
        let mut conn = self.writer.acquire().await?;
        close_in(&mut conn, order, now).await
    }

    pub async fn pay_order(&self, id: &str) -> Result<Option<PayOrder>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        fetch_order(&mut conn, id).await
    }

    /// The orders of a bill, newest first.
    pub async fn pay_orders_of_bill(&self, bill: &str) -> Result<Vec<PayOrder>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM pay_orders WHERE bill_id = $1 \
             ORDER BY created_at DESC, id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(bill)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(order_from_row)
            .collect()
    }

    /// Closes the pending orders whose time is up; those closed (to close at the gateway).
    pub async fn expire_pay_orders(&self, now: i64) -> Result<Vec<PayOrder>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let sql = format!(
            "UPDATE pay_orders SET status = 'closed', updated_at = $1 \
             WHERE status = 'pending' AND expires_at <= $2 RETURNING {ORDER_COLUMNS}"
        );
        let closed = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(order_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit().await?;
        Ok(closed)
    }

    /// Applies a verified paid notice: once, to its own bill, for the amount ordered.
    pub async fn apply_paid_notice(
        &self,
        notice: &PaidNotice,
        insurance: Option<(&super::InsuranceRules, i32)>,
        now: i64,
    ) -> Result<NoticeOutcome, StoreError> {
        let mut tx = self.writer.begin().await?;
        // The order's row lock first: two notices of one order queue here.
        sqlx::query("UPDATE pay_orders SET updated_at = updated_at WHERE id = $1")
            .bind(&notice.order_id)
            .execute(&mut *tx)
            .await?;
        let Some(order) = fetch_order(&mut tx, &notice.order_id).await? else {
            return Ok(NoticeOutcome::Refused(NoticeRefusal::UnknownOrder(
                notice.order_id.clone(),
            )));
        };
        if notice.currency != "CNY" {
            return Ok(NoticeOutcome::Refused(NoticeRefusal::Currency(
                notice.currency.clone(),
            )));
        }
        if notice.amount_fen != order.amount_fen {
            return Ok(NoticeOutcome::Refused(NoticeRefusal::Amount {
                expected: order.amount_fen,
                got: notice.amount_fen,
            }));
        }
        if let Some(txn) = &order.gateway_txn {
            if txn == &notice.transaction {
                return Ok(NoticeOutcome::Repeat { order });
            }
            return Ok(NoticeOutcome::Refused(NoticeRefusal::OtherTransaction(
                txn.clone(),
            )));
        }
        let outcome = settle_in(&mut tx, &order, notice, insurance, now).await?;
        tx.commit().await?;
        Ok(outcome)
    }
}

/// Puts the order's money on its bill when the bill still needs exactly it (confirming a held
/// place), else records it as due back to the payer.
async fn settle_in(
    conn: &mut AnyConnection,
    order: &PayOrder,
    notice: &PaidNotice,
    insurance: Option<(&super::InsuranceRules, i32)>,
    now: i64,
) -> Result<NoticeOutcome, StoreError> {
    lock_bill(conn, &order.bill_id).await?;
    let sheet = load_sheet(conn, &order.bill_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let appointment = fetch_appointment(conn, &sheet.bill.appointment_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    // A held place is confirmed by its payment; a visit cancelled meanwhile (the hold lapsed,
    // the patient or the hospital cancelled) takes no money.
    let place_kept = match appointment.status.code() {
        "pending" => crate::appointments::confirm_in(conn, &appointment.id, now).await?,
        "cancelled" | "noshow" | "entered-in-error" => false,
        _ => true,
    };
    // An insured bill is settled again now, against the patient's figures of the moment: the
    // money is applied only when its cash part is still exactly what was paid.
    let settlement = match insurance {
        // Also when the pool and account pay nothing: the cash still counts towards the
        // year's deductible.
        Some((rules, year)) => super::insurance::presettle_in(conn, &sheet, rules, year).await?,
        None => None,
    };
    let needs_it = match &settlement {
        Some(s) => {
            s.totals.self_pay == order.amount_fen && s.totals.total() == sheet.numbers().due()
        }
        None => {
            order.pool_fen + order.account_fen == 0 && sheet.numbers().due() == order.amount_fen
        }
    };
    if place_kept && needs_it {
        let entry = match &settlement {
            Some(s) => super::insurance::pay_settled_in(
                conn,
                &sheet,
                s,
                &order.channel,
                Some(&order.id),
                None,
                now,
            )
            .await?
            .into_iter()
            .find(|e| e.method == order.channel)
            .ok_or(StoreError::NotFound)?,
            None => super::pay_in(conn, &order.bill_id, &order.channel, None, now)
                .await?
                .ok_or(StoreError::NotFound)?,
        };
        sqlx::query(
            "UPDATE pay_orders SET status = 'paid', gateway_txn = $1, entry_id = $2, paid_at = $3, \
             updated_at = $4 WHERE id = $5",
        )
        .bind(&notice.transaction)
        .bind(&entry.id)
        .bind(notice.paid_at)
        .bind(now)
        .bind(&order.id)
        .execute(&mut *conn)
        .await?;
        let order = fetch_order(conn, &order.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        return Ok(NoticeOutcome::Applied {
            order: Box::new(order),
            entry: Box::new(entry),
        });
    }
    sqlx::query(
        "UPDATE pay_orders SET status = 'refund-due', gateway_txn = $1, paid_at = $2, \
         updated_at = $3 WHERE id = $4",
    )
    .bind(&notice.transaction)
    .bind(notice.paid_at)
    .bind(now)
    .bind(&order.id)
    .execute(&mut *conn)
    .await?;
    let refund_id =
        super::gateway_refunds::queue_in(conn, &order.id, None, order.amount_fen, now).await?;
    let order = fetch_order(conn, &order.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(NoticeOutcome::RefundDue { order, refund_id })
}

async fn close_in(conn: &mut AnyConnection, order: &str, now: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE pay_orders SET status = 'closed', updated_at = $1 \
         WHERE id = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(order)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
