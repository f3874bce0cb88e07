//! The requests Huimin sends to WeChat Pay, as typed values that render to the exact method,
//! path and JSON body to sign and send. Field order follows the Python SDK's, so the bodies
//! are byte-identical to its (compact) ones in the vectors.

use serde::Serialize;

use super::sign::{MerchantKey, authorization};
use crate::billing::GatewayError;
use crate::billing::ids::{OutRefundNo, OutTradeNo};

/// One request, ready to sign and send to `https://api.mch.weixin.qq.com` + `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    pub method: &'static str,
    /// From `/v3/…` on, including the query string.
    pub path: String,
    /// The exact body to send (compact JSON), "" for GET.
    pub body: String,
}

impl ApiRequest {
    /// The `Authorization` header for this request.
    pub fn authorization(
        &self,
        key: &MerchantKey,
        timestamp: i64,
        nonce: &str,
    ) -> Result<String, GatewayError> {
        authorization(key, self.method, &self.path, timestamp, nonce, &self.body)
    }
}

#[derive(Serialize)]
struct Amount {
    total: i64,
    currency: &'static str,
}

#[derive(Serialize)]
struct PayerBody<'a> {
    openid: &'a str,
}

#[derive(Serialize)]
struct H5Info {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct SceneInfo<'a> {
    payer_client_ip: &'a str,
    h5_info: H5Info,
}

#[derive(Serialize)]
struct OrderBody<'a> {
    notify_url: &'a str,
    description: &'a str,
    out_trade_no: &'a str,
    amount: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    payer: Option<PayerBody<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scene_info: Option<SceneInfo<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_expire: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attach: Option<&'a str>,
    appid: &'a str,
    mchid: &'a str,
}

/// JSAPI order (公众号/小程序支付): `POST /v3/pay/transactions/jsapi`.
#[derive(Debug, Clone)]
pub struct JsapiOrder {
    pub appid: String,
    pub mchid: String,
    /// 商品描述, shown to the payer; 1–127 characters.
    pub description: String,
    pub out_trade_no: OutTradeNo,
    pub total_fen: i64,
    pub notify_url: String,
    pub payer_openid: String,
    /// RFC 3339 with offset, e.g. `2026-12-07T10:30:00+08:00`.
    pub time_expire: Option<String>,
    /// 附加数据, returned unchanged in the notification; at most 128 characters.
    pub attach: Option<String>,
}

impl JsapiOrder {
    pub fn request(&self) -> Result<ApiRequest, GatewayError> {
        if self.payer_openid.is_empty() {
            return Err(GatewayError::field("payer.openid", "must not be empty"));
        }
        let body = OrderBody {
            payer: Some(PayerBody {
                openid: &self.payer_openid,
            }),
            scene_info: None,
            ..order_body(&Common::of_jsapi(self))?
        };
        post("/v3/pay/transactions/jsapi".into(), &body)
    }
}

/// H5 order (手机浏览器支付): `POST /v3/pay/transactions/h5`, with the payer's IP.
#[derive(Debug, Clone)]
pub struct H5Order {
    pub appid: String,
    pub mchid: String,
    pub description: String,
    pub out_trade_no: OutTradeNo,
    pub total_fen: i64,
    pub notify_url: String,
    pub payer_client_ip: String,
    pub time_expire: Option<String>,
    pub attach: Option<String>,
}

impl H5Order {
    pub fn request(&self) -> Result<ApiRequest, GatewayError> {
        if self.payer_client_ip.parse::<std::net::IpAddr>().is_err() {
            return Err(GatewayError::field(
                "scene_info.payer_client_ip",
                "must be an IP address",
            ));
        }
        let body = OrderBody {
            payer: None,
            scene_info: Some(SceneInfo {
                payer_client_ip: &self.payer_client_ip,
                h5_info: H5Info { kind: "Wap" },
            }),
            ..order_body(&Common::of_h5(self))?
        };
        post("/v3/pay/transactions/h5".into(), &body)
    }
}

struct Common<'a> {
    appid: &'a str,
    mchid: &'a str,
    description: &'a str,
    out_trade_no: &'a OutTradeNo,
    total_fen: i64,
    notify_url: &'a str,
    time_expire: Option<&'a str>,
    attach: Option<&'a str>,
}

impl<'a> Common<'a> {
    fn of_jsapi(o: &'a JsapiOrder) -> Self {
        Self {
            appid: &o.appid,
            mchid: &o.mchid,
            description: &o.description,
            out_trade_no: &o.out_trade_no,
            total_fen: o.total_fen,
            notify_url: &o.notify_url,
            time_expire: o.time_expire.as_deref(),
            attach: o.attach.as_deref(),
        }
    }

    fn of_h5(o: &'a H5Order) -> Self {
        Self {
            appid: &o.appid,
            mchid: &o.mchid,
            description: &o.description,
            out_trade_no: &o.out_trade_no,
            total_fen: o.total_fen,
            notify_url: &o.notify_url,
            time_expire: o.time_expire.as_deref(),
            attach: o.attach.as_deref(),
        }
    }
}

fn order_body<'a>(c: &Common<'a>) -> Result<OrderBody<'a>, GatewayError> {
    check_amount("amount.total", c.total_fen)?;
    check_text("description", c.description, 1, 127)?;
    if let Some(attach) = c.attach {
        check_text("attach", attach, 1, 128)?;
    }
    if !c.notify_url.starts_with("https://") {
        return Err(GatewayError::field("notify_url", "must be an https:// URL"));
    }
    if c.appid.is_empty() || c.mchid.is_empty() {
        return Err(GatewayError::field(
            "appid",
            "appid and mchid must not be empty",
        ));
    }
    Ok(OrderBody {
        notify_url: c.notify_url,
        description: c.description,
        out_trade_no: c.out_trade_no.as_str(),
        amount: Amount {
            total: c.total_fen,
            currency: "CNY",
        },
        payer: None,
        scene_info: None,
        time_expire: c.time_expire,
        attach: c.attach,
        appid: c.appid,
        mchid: c.mchid,
    })
}

/// Refund all or part of a paid order: `POST /v3/refund/domestic/refunds`.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub out_trade_no: OutTradeNo,
    pub out_refund_no: OutRefundNo,
    pub refund_fen: i64,
    /// The order's full amount, as paid.
    pub total_fen: i64,
    /// 退款原因, shown to the payer; at most 80 characters.
    pub reason: Option<String>,
    pub notify_url: Option<String>,
}

impl RefundRequest {
    pub fn request(&self) -> Result<ApiRequest, GatewayError> {
        #[derive(Serialize)]
        struct RefundAmountBody {
            refund: i64,
            total: i64,
            currency: &'static str,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            notify_url: Option<&'a str>,
            out_refund_no: &'a str,
            amount: RefundAmountBody,
            out_trade_no: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            reason: Option<&'a str>,
        }
        check_amount("amount.refund", self.refund_fen)?;
        check_amount("amount.total", self.total_fen)?;
        if self.refund_fen > self.total_fen {
            return Err(GatewayError::field(
                "amount.refund",
                "must not exceed the order total",
            ));
        }
        if let Some(reason) = &self.reason {
            check_text("reason", reason, 1, 80)?;
        }
        if self
            .notify_url
            .as_deref()
            .is_some_and(|u| !u.starts_with("https://"))
        {
            return Err(GatewayError::field("notify_url", "must be an https:// URL"));
        }
        let body = Body {
            notify_url: self.notify_url.as_deref(),
            out_refund_no: self.out_refund_no.as_str(),
            amount: RefundAmountBody {
                refund: self.refund_fen,
                total: self.total_fen,
                currency: "CNY",
            },
            out_trade_no: self.out_trade_no.as_str(),
            reason: self.reason.as_deref(),
        };
        post("/v3/refund/domestic/refunds".into(), &body)
    }
}

pub(super) fn post(path: String, body: &impl Serialize) -> Result<ApiRequest, GatewayError> {
    Ok(ApiRequest {
        method: "POST",
        path,
        body: serde_json::to_string(body)?,
    })
}

fn check_amount(field: &'static str, fen: i64) -> Result<(), GatewayError> {
    if fen < 1 {
        return Err(GatewayError::field(
            field,
            format!("{fen} fen: must be at least 1 fen"),
        ));
    }
    Ok(())
}

fn check_text(field: &'static str, s: &str, min: usize, max: usize) -> Result<(), GatewayError> {
    let n = s.chars().count();
    if n < min || n > max {
        return Err(GatewayError::field(
            field,
            format!("must be {min} to {max} characters"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(GatewayError::field(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "requests_tests.rs"]
mod tests;
