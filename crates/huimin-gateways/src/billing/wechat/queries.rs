//! Requests about existing orders and bills: query, close, the trade bill.

use serde::Serialize;

use super::requests::{ApiRequest, post};
use crate::billing::GatewayError;
use crate::billing::ids::OutTradeNo;

/// Query an order by 商户订单号: `GET /v3/pay/transactions/out-trade-no/{no}?mchid=…`.
pub fn query_by_out_trade_no(mchid: &str, out_trade_no: &OutTradeNo) -> ApiRequest {
    ApiRequest {
        method: "GET",
        path: format!("/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={mchid}"),
        body: String::new(),
    }
}

/// Close an unpaid order: `POST /v3/pay/transactions/out-trade-no/{no}/close`.
pub fn close(mchid: &str, out_trade_no: &OutTradeNo) -> Result<ApiRequest, GatewayError> {
    #[derive(Serialize)]
    struct Body<'a> {
        mchid: &'a str,
    }
    post(
        format!("/v3/pay/transactions/out-trade-no/{out_trade_no}/close"),
        &Body { mchid },
    )
}

/// Which rows a trade bill holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillType {
    All,
    Success,
    Refund,
}

/// How the bill file is delivered: GZIP (smaller; the server unpacks it) or plain text if
/// absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TarType {
    Gzip,
}

/// Ask for a day's trade bill (交易账单): `GET /v3/bill/tradebill?bill_date=…`. The answer
/// holds a download URL; that download is signed like any GET (its path and query).
#[derive(Debug, Clone)]
pub struct TradeBillRequest {
    /// `YYYY-MM-DD`, in Beijing time, at most three months back.
    pub bill_date: String,
    pub bill_type: BillType,
    pub tar_type: Option<TarType>,
}

impl TradeBillRequest {
    pub fn request(&self) -> Result<ApiRequest, GatewayError> {
        let d = self.bill_date.as_bytes();
        let shape_ok = d.len() == 10
            && d.iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shape_ok {
            return Err(GatewayError::field("bill_date", "must be YYYY-MM-DD"));
        }
        let bill_type = match self.bill_type {
            BillType::All => "ALL",
            BillType::Success => "SUCCESS",
            BillType::Refund => "REFUND",
        };
        let mut path = format!(
            "/v3/bill/tradebill?bill_date={}&bill_type={bill_type}",
            self.bill_date
        );
        if let Some(TarType::Gzip) = self.tar_type {
            path.push_str("&tar_type=GZIP");
        }
        Ok(ApiRequest {
            method: "GET",
            path,
            body: String::new(),
        })
    }
}
