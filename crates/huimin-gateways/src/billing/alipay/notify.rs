//! The async notification (异步通知): Alipay POSTs a form to `notify_url`; its `sign` covers
//! every other parameter except `sign_type`, sorted and joined like a request's. The server
//! answers `success` only after this check and its own bookkeeping.

use std::collections::BTreeMap;

use super::sign::{AlipayPublicKey, sign_string};
use crate::billing::GatewayError;
use crate::billing::money::yuan_to_fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeStatus {
    WaitBuyerPay,
    /// Paid; refunds are still possible.
    TradeSuccess,
    /// Paid and final (no more refunds).
    TradeFinished,
    /// Closed unpaid, or fully refunded.
    TradeClosed,
}

impl TradeStatus {
    fn parse(s: &str) -> Result<Self, GatewayError> {
        Ok(match s {
            "WAIT_BUYER_PAY" => Self::WaitBuyerPay,
            "TRADE_SUCCESS" => Self::TradeSuccess,
            "TRADE_FINISHED" => Self::TradeFinished,
            "TRADE_CLOSED" => Self::TradeClosed,
            other => {
                return Err(GatewayError::field(
                    "trade_status",
                    format!("unknown status {other:?}"),
                ));
            }
        })
    }
}

/// A verified notification. A refund is notified as the trade with `refund_fee` (total
/// refunded so far) and `out_biz_no` (the refund's `out_request_no`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeNotice {
    pub notify_id: String,
    pub notify_time: String,
    pub app_id: String,
    pub out_trade_no: String,
    pub trade_no: String,
    pub trade_status: TradeStatus,
    pub total_fen: i64,
    pub receipt_fen: Option<i64>,
    pub refund_fee_fen: Option<i64>,
    pub out_biz_no: Option<String>,
    pub gmt_payment: Option<String>,
    pub gmt_refund: Option<String>,
    pub buyer_id: Option<String>,
}

/// Verifies a notification's form (already URL-decoded name/value pairs, as a web framework
/// gives them) and reads it. `app_id` must be ours: a notification signed by Alipay for
/// another application is not for us.
pub fn verify_notification(
    key: &AlipayPublicKey,
    app_id: &str,
    form: &[(String, String)],
) -> Result<TradeNotice, GatewayError> {
    let mut params = BTreeMap::new();
    for (k, v) in form {
        if params.insert(k.clone(), v.clone()).is_some() {
            return Err(GatewayError::field(
                "form",
                format!("the parameter {k} appears twice"),
            ));
        }
    }
    let sign = params
        .remove("sign")
        .ok_or_else(|| GatewayError::field("sign", "is missing"))?;
    if let Some(kind) = params.remove("sign_type")
        && kind != "RSA2"
    {
        return Err(GatewayError::field(
            "sign_type",
            format!("{kind:?}: only RSA2 is accepted"),
        ));
    }
    key.verify(&sign_string(&params), &sign)?;
    let notice = read(&params)?;
    if notice.app_id != app_id {
        return Err(GatewayError::field(
            "app_id",
            format!("{:?} is not this application", notice.app_id),
        ));
    }
    Ok(notice)
}

fn read(p: &BTreeMap<String, String>) -> Result<TradeNotice, GatewayError> {
    let req = |k: &'static str| {
        p.get(k)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| GatewayError::field(k, "is missing"))
    };
    let opt = |k: &str| p.get(k).filter(|v| !v.is_empty()).cloned();
    let fen = |k: &str| opt(k).map(|v| yuan_to_fen(&v)).transpose();
    Ok(TradeNotice {
        notify_id: req("notify_id")?,
        notify_time: req("notify_time")?,
        app_id: req("app_id")?,
        out_trade_no: req("out_trade_no")?,
        trade_no: req("trade_no")?,
        trade_status: TradeStatus::parse(&req("trade_status")?)?,
        total_fen: yuan_to_fen(&req("total_amount")?)?,
        receipt_fen: fen("receipt_amount")?,
        refund_fee_fen: fen("refund_fee")?,
        out_biz_no: opt("out_biz_no"),
        gmt_payment: opt("gmt_payment"),
        gmt_refund: opt("gmt_refund"),
        buyer_id: opt("buyer_id"),
    })
}
