//! The sandbox gateway's own books: the trades and refunds it keeps as a real gateway does.
//! Only the sandbox (`huimin-server`'s `billing::gateways::sandbox_server`) reads and writes
//! them; Huimin's billing learns of a payment only by the sandbox's signed notification.

use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxTrade {
    pub out_trade_no: String,
    pub channel: String,
    pub amount_fen: i64,
    pub description: String,
    pub notify_url: String,
    pub return_url: String,
    /// `NOTPAY`, `SUCCESS`, `PAYERROR`, `CLOSED` (WeChat Pay's trade states).
    pub state: String,
    pub transaction_id: Option<String>,
    pub paid_at: Option<i64>,
    pub refunded_fen: i64,
    pub notify_due: Option<i64>,
    pub notify_left: i64,
    pub notify_attempts: i64,
    pub created_at: i64,
}

/// Why the sandbox refused a request, by WeChat Pay's error codes.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("ORDER_NOT_EXIST")]
    NoTrade,
    #[error("OUT_TRADE_NO_USED")]
    NumberUsed,
    #[error("ORDER_PAID")]
    Paid,
    #[error("ORDER_CLOSED")]
    Closed,
    #[error("NOT_ENOUGH")]
    RefundTooLarge,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for SandboxError {
    fn from(e: sqlx::Error) -> Self {
        SandboxError::Store(e.into())
    }
}

const COLUMNS: &str = "out_trade_no, channel, amount_fen, description, notify_url, return_url, \
     state, transaction_id, paid_at, refunded_fen, notify_due, notify_left, notify_attempts, \
     created_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<SandboxTrade, StoreError> {
    Ok(SandboxTrade {
        out_trade_no: row.try_get(0)?,
        channel: row.try_get(1)?,
        amount_fen: row.try_get(2)?,
        description: row.try_get(3)?,
        notify_url: row.try_get(4)?,
        return_url: row.try_get(5)?,
        state: row.try_get(6)?,
        transaction_id: row.try_get(7)?,
        paid_at: row.try_get(8)?,
        refunded_fen: row.try_get(9)?,
        notify_due: row.try_get(10)?,
        notify_left: row.try_get(11)?,
        notify_attempts: row.try_get(12)?,
        created_at: row.try_get(13)?,
    })
}

async fn fetch(conn: &mut AnyConnection, no: &str) -> Result<Option<SandboxTrade>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM sandbox_trades WHERE out_trade_no = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(no)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A refund the sandbox accepted, with its trade's numbers (for the trade bill).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxRefund {
    pub out_refund_no: String,
    pub amount_fen: i64,
    pub created_at: i64,
    pub trade: SandboxTrade,
}

/// How a payer settles a trade on the sandbox's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayerChoice {
    pub pay: bool,
    /// Seconds before the first notification is sent.
    pub delay_seconds: i64,
    /// How many times the notification is sent (a gateway may send one more than once).
    pub notices: i64,
}

impl Store {
    /// Opens a trade; the same number with the same amount gives back the trade.
    pub async fn sandbox_open_trade(&self, t: &SandboxTrade) -> Result<SandboxTrade, SandboxError> {
        let mut tx = self.writer.begin().await?;
        if let Some(old) = fetch(&mut tx, &t.out_trade_no).await? {
            return if old.amount_fen == t.amount_fen {
                Ok(old)
            } else {
                Err(SandboxError::NumberUsed)
            };
        }
        sqlx::query(
            "INSERT INTO sandbox_trades (out_trade_no, channel, amount_fen, description, \
             notify_url, return_url, state, refunded_fen, notify_left, notify_attempts, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'NOTPAY', 0, 0, 0, $7)",
        )
        .bind(&t.out_trade_no)
        .bind(&t.channel)
        .bind(t.amount_fen)
        .bind(&t.description)
        .bind(&t.notify_url)
        .bind(&t.return_url)
        .bind(t.created_at)
        .execute(&mut *tx)
        .await?;
        let trade = fetch(&mut tx, &t.out_trade_no)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(trade)
    }

    pub async fn sandbox_trade(&self, no: &str) -> Result<Option<SandboxTrade>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        fetch(&mut conn, no).await
    }

    /// Closes an unpaid trade (a paid one cannot be closed).
    pub async fn sandbox_close(&self, no: &str) -> Result<(), SandboxError> {
        let mut conn = self.writer.acquire().await?;
        let trade = fetch(&mut conn, no).await?.ok_or(SandboxError::NoTrade)?;
        if trade.state == "SUCCESS" {
            return Err(SandboxError::Paid);
        }
        sqlx::query("UPDATE sandbox_trades SET state = 'CLOSED' WHERE out_trade_no = $1")
            .bind(no)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// The payer pays (or fails to): the trade's state and its notifications scheduled.
    pub async fn sandbox_pay(
        &self,
        no: &str,
        choice: PayerChoice,
        now: i64,
    ) -> Result<SandboxTrade, SandboxError> {
        let mut tx = self.writer.begin().await?;
        let trade = fetch(&mut tx, no).await?.ok_or(SandboxError::NoTrade)?;
        match trade.state.as_str() {
            "NOTPAY" | "PAYERROR" => {}
            "CLOSED" => return Err(SandboxError::Closed),
            _ => return Err(SandboxError::Paid),
        }
        let (state, txn, paid_at) = if choice.pay {
            let txn = format!("42{}", &uuid::Uuid::new_v4().simple().to_string()[..26]);
            ("SUCCESS", Some(txn), Some(now))
        } else {
            ("PAYERROR", None, None)
        };
        sqlx::query(
            "UPDATE sandbox_trades SET state = $1, transaction_id = $2, paid_at = $3, \
             notify_due = $4, notify_left = $5, notify_attempts = 0 WHERE out_trade_no = $6",
        )
        .bind(state)
        .bind(txn)
        .bind(paid_at)
        .bind(now + choice.delay_seconds * 1_000_000)
        .bind(choice.notices.max(1))
        .bind(no)
        .execute(&mut *tx)
        .await?;
        let trade = fetch(&mut tx, no).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(trade)
    }

    /// Refunds part of a paid trade; a refund number seen before changes nothing.
    pub async fn sandbox_refund(
        &self,
        out_refund_no: &str,
        no: &str,
        amount: i64,
        now: i64,
    ) -> Result<(), SandboxError> {
        let mut tx = self.writer.begin().await?;
        let seen: Option<String> =
            sqlx::query_scalar("SELECT out_trade_no FROM sandbox_refunds WHERE out_refund_no = $1")
                .bind(out_refund_no)
                .fetch_optional(&mut *tx)
                .await?;
        match seen {
            Some(trade) if trade == no => return Ok(()),
            Some(_) => return Err(SandboxError::NumberUsed),
            None => {}
        }
        let trade = fetch(&mut tx, no).await?.ok_or(SandboxError::NoTrade)?;
        if trade.state != "SUCCESS" {
            return Err(SandboxError::NoTrade);
        }
        if amount <= 0 || trade.refunded_fen + amount > trade.amount_fen {
            return Err(SandboxError::RefundTooLarge);
        }
        sqlx::query(
            "INSERT INTO sandbox_refunds (out_refund_no, out_trade_no, amount_fen, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(out_refund_no)
        .bind(no)
        .bind(amount)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE sandbox_trades SET refunded_fen = refunded_fen + $1 WHERE out_trade_no = $2",
        )
        .bind(amount)
        .bind(no)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Trades whose notification is due.
    pub async fn sandbox_due_notices(&self, now: i64) -> Result<Vec<SandboxTrade>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM sandbox_trades WHERE notify_due <= $1 AND notify_left > 0 \
             ORDER BY notify_due LIMIT 50"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(from_row)
            .collect()
    }

    /// A notification was sent: answered (`next` is when to send the next repeat) or not
    /// (`next` is the retry; `None` gives up).
    pub async fn sandbox_notice_sent(
        &self,
        no: &str,
        answered: bool,
        next: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await?;
        let sql = if answered {
            "UPDATE sandbox_trades SET notify_left = notify_left - 1, notify_attempts = 0, \
             notify_due = $1 WHERE out_trade_no = $2"
        } else {
            "UPDATE sandbox_trades SET notify_attempts = notify_attempts + 1, notify_due = $1 \
             WHERE out_trade_no = $2"
        };
        sqlx::query(sql)
            .bind(next)
            .bind(no)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// The trades paid and the refunds accepted in `[from, to)` (microseconds), by time:
    /// what the sandbox's trade bill of a day lists.
    pub async fn sandbox_day(
        &self,
        from: i64,
        to: i64,
    ) -> Result<(Vec<SandboxTrade>, Vec<SandboxRefund>), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM sandbox_trades WHERE state = 'SUCCESS' \
             AND paid_at >= $1 AND paid_at < $2 ORDER BY paid_at, out_trade_no"
        );
        let trades = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let refunds = sqlx::query(
            "SELECT out_refund_no, out_trade_no, amount_fen, created_at FROM sandbox_refunds \
             WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, out_refund_no",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::with_capacity(refunds.len());
        for row in &refunds {
            let no: String = row.try_get(1)?;
            let trade = fetch(&mut conn, &no).await?.ok_or(StoreError::NotFound)?;
            out.push(SandboxRefund {
                out_refund_no: row.try_get(0)?,
                amount_fen: row.try_get(2)?,
                created_at: row.try_get(3)?,
                trade,
            });
        }
        Ok((trades, out))
    }
}
