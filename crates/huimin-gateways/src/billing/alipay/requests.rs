//! Signed requests to the Alipay gateway (OpenAPI 2.0): the common parameters, the
//! `biz_content` JSON, and `sign`. `biz_content` field order follows what Huimin sends in the
//! SDK vectors, so our parameters sign to the same bytes.

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::sign::{AppKey, sign_params};
use crate::billing::GatewayError;
use crate::billing::ids::{OutRefundNo, OutTradeNo};
use crate::billing::money::fen_to_yuan;

/// Alipay's production gateway.
pub const GATEWAY: &str = "https://openapi.alipay.com/gateway.do";

// JavaScript's encodeURIComponent, which the SDK uses for the page URL.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// All parameters of a request, `sign` included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub params: BTreeMap<String, String>,
}

impl SignedRequest {
    /// `application/x-www-form-urlencoded` body for a POST to the gateway.
    pub fn form_body(&self) -> String {
        self.encoded()
    }

    /// The gateway URL with every parameter in the query (for page redirects).
    pub fn url(&self, gateway: &str) -> String {
        format!("{gateway}?{}", self.encoded())
    }

    fn encoded(&self) -> String {
        self.params
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    utf8_percent_encode(k, URI_COMPONENT),
                    utf8_percent_encode(v, URI_COMPONENT)
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// 手机网站支付 `alipay.trade.wap.pay`.
#[derive(Debug, Clone)]
pub struct WapPay {
    pub out_trade_no: OutTradeNo,
    pub total_fen: i64,
    /// 订单标题, 1–256 characters.
    pub subject: String,
    /// Where the cashier's "back" button leads.
    pub quit_url: String,
    /// `yyyy-MM-dd HH:mm:ss`, Beijing time.
    pub time_expire: Option<String>,
    pub notify_url: String,
    pub return_url: Option<String>,
}

#[derive(Serialize)]
struct WapBiz<'a> {
    out_trade_no: &'a str,
    total_amount: String,
    subject: &'a str,
    product_code: &'static str,
    quit_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_expire: Option<&'a str>,
}

impl WapPay {
    /// `timestamp`: now, `yyyy-MM-dd HH:mm:ss` in Beijing time.
    pub fn sign(&self, key: &AppKey, timestamp: &str) -> Result<SignedRequest, GatewayError> {
        let subject_len = self.subject.chars().count();
        if subject_len == 0 || subject_len > 256 || self.subject.chars().any(char::is_control) {
            return Err(GatewayError::field(
                "subject",
                "must be 1 to 256 characters, no control characters",
            ));
        }
        if let Some(t) = &self.time_expire {
            check_time("time_expire", t)?;
        }
        let biz = WapBiz {
            out_trade_no: self.out_trade_no.as_str(),
            total_amount: fen_to_yuan(self.total_fen)?,
            subject: &self.subject,
            product_code: "QUICK_WAP_WAY",
            quit_url: &self.quit_url,
            time_expire: self.time_expire.as_deref(),
        };
        let mut extra = vec![("notify_url", https("notify_url", &self.notify_url)?)];
        if let Some(url) = &self.return_url {
            extra.push(("return_url", https("return_url", url)?));
        }
        signed(key, "alipay.trade.wap.pay", timestamp, &extra, &biz)
    }
}

/// The URL to send the phone's browser to for a WAP payment (what the SDK's
/// `pageExecute(method, 'GET', …)` gives).
pub fn wap_pay_url(
    key: &AppKey,
    order: &WapPay,
    timestamp: &str,
    gateway: &str,
) -> Result<String, GatewayError> {
    Ok(order.sign(key, timestamp)?.url(gateway))
}

/// 统一收单交易查询 `alipay.trade.query` by 商户订单号.
pub fn trade_query(
    key: &AppKey,
    out_trade_no: &OutTradeNo,
    timestamp: &str,
) -> Result<SignedRequest, GatewayError> {
    #[derive(Serialize)]
    struct Biz<'a> {
        out_trade_no: &'a str,
    }
    signed(
        key,
        "alipay.trade.query",
        timestamp,
        &[],
        &Biz {
            out_trade_no: out_trade_no.as_str(),
        },
    )
}

/// 统一收单交易退款 `alipay.trade.refund`. `out_request_no` names this refund: required for a
/// partial refund, and the same number retried is the same refund (Alipay's idempotence).
#[derive(Debug, Clone)]
pub struct TradeRefund {
    pub out_trade_no: OutTradeNo,
    pub refund_fen: i64,
    pub out_request_no: OutRefundNo,
    pub refund_reason: Option<String>,
}

impl TradeRefund {
    pub fn sign(&self, key: &AppKey, timestamp: &str) -> Result<SignedRequest, GatewayError> {
        #[derive(Serialize)]
        struct Biz<'a> {
            out_trade_no: &'a str,
            refund_amount: String,
            out_request_no: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            refund_reason: Option<&'a str>,
        }
        if let Some(r) = &self.refund_reason
            && (r.is_empty() || r.chars().count() > 256)
        {
            return Err(GatewayError::field(
                "refund_reason",
                "must be 1 to 256 characters",
            ));
        }
        let biz = Biz {
            out_trade_no: self.out_trade_no.as_str(),
            refund_amount: fen_to_yuan(self.refund_fen)?,
            out_request_no: self.out_request_no.as_str(),
            refund_reason: self.refund_reason.as_deref(),
        };
        signed(key, "alipay.trade.refund", timestamp, &[], &biz)
    }
}

/// 查询对账单下载地址 `alipay.data.dataservice.bill.downloadurl.query`, trade bill of a day
/// (`bill_date` `yyyy-MM-dd`).
pub fn bill_download_url_query(
    key: &AppKey,
    bill_date: &str,
    timestamp: &str,
) -> Result<SignedRequest, GatewayError> {
    #[derive(Serialize)]
    struct Biz<'a> {
        bill_type: &'static str,
        bill_date: &'a str,
    }
    check_time("bill_date", &format!("{bill_date} 00:00:00"))?;
    signed(
        key,
        "alipay.data.dataservice.bill.downloadurl.query",
        timestamp,
        &[],
        &Biz {
            bill_type: "trade",
            bill_date,
        },
    )
}

fn signed(
    key: &AppKey,
    method: &str,
    timestamp: &str,
    extra: &[(&str, String)],
    biz: &impl Serialize,
) -> Result<SignedRequest, GatewayError> {
    check_time("timestamp", timestamp)?;
    let mut params: BTreeMap<String, String> = [
        ("app_id", key.app_id()),
        ("method", method),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("timestamp", timestamp),
        ("version", "1.0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        params.insert((*k).to_string(), v.clone());
    }
    params.insert("biz_content".into(), serde_json::to_string(biz)?);
    let sign = sign_params(key, &params)?;
    params.insert("sign".into(), sign);
    Ok(SignedRequest { params })
}

fn https(field: &'static str, url: &str) -> Result<String, GatewayError> {
    if !url.starts_with("https://") || url.chars().any(char::is_whitespace) {
        return Err(GatewayError::field(field, "must be an https:// URL"));
    }
    Ok(url.to_string())
}

// `yyyy-MM-dd HH:mm:ss`: the only time format the gateway reads.
fn check_time(field: &'static str, t: &str) -> Result<(), GatewayError> {
    let b = t.as_bytes();
    let ok = b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    if !ok {
        return Err(GatewayError::field(field, "must be yyyy-MM-dd HH:mm:ss"));
    }
    Ok(())
}
