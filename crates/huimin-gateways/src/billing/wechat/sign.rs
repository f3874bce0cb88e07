//! Signing what the merchant sends: API requests and the JSAPI client's pay parameters.

use std::fmt;

use rsa::RsaPrivateKey;
use serde::Serialize;

use crate::billing::{GatewayError, keys};

/// The merchant's API identity: 商户号, the serial of its API certificate, and the private
/// key of that certificate (`apiclient_key.pem`, PKCS#8).
pub struct MerchantKey {
    mchid: String,
    serial_no: String,
    private_key: RsaPrivateKey,
}

impl MerchantKey {
    pub fn new(mchid: &str, serial_no: &str, private_key_pem: &str) -> Result<Self, GatewayError> {
        if mchid.is_empty() || mchid.len() > 32 || !mchid.bytes().all(|b| b.is_ascii_digit()) {
            return Err(GatewayError::field(
                "mchid",
                "must be the digits of the merchant number",
            ));
        }
        if serial_no.is_empty() || !serial_no.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(GatewayError::field(
                "serial_no",
                "must be the certificate serial in hex",
            ));
        }
        Ok(Self {
            mchid: mchid.to_string(),
            serial_no: serial_no.to_string(),
            private_key: keys::private_key(private_key_pem)?,
        })
    }

    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    pub fn serial_no(&self) -> &str {
        &self.serial_no
    }
}

// The private key never reaches a log.
impl fmt::Debug for MerchantKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantKey")
            .field("mchid", &self.mchid)
            .field("serial_no", &self.serial_no)
            .field("private_key", &"<redacted>")
            .finish()
    }
}

/// The request signature: SHA256withRSA over `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n`,
/// base64. `path` is the URL from `/v3/…` on, with its query string exactly as sent; `body`
/// is the exact bytes sent ("" for GET).
pub fn sign_request(
    key: &MerchantKey,
    method: &str,
    path: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> Result<String, GatewayError> {
    check_nonce(nonce)?;
    if !matches!(method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
        return Err(GatewayError::field(
            "method",
            "must be an upper-case HTTP method",
        ));
    }
    if !path.starts_with('/') {
        return Err(GatewayError::field(
            "path",
            "must start with / (e.g. /v3/pay/transactions/jsapi)",
        ));
    }
    let message = format!("{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n");
    keys::sign(&key.private_key, message.as_bytes())
}

/// The `Authorization` header value for a request (see [`sign_request`]).
pub fn authorization(
    key: &MerchantKey,
    method: &str,
    path: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> Result<String, GatewayError> {
    let signature = sign_request(key, method, path, timestamp, nonce, body)?;
    Ok(format!(
        "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
        key.mchid, key.serial_no
    ))
}

/// What the page passes to `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` (or
/// `wx.requestPayment`), field names as the bridge wants them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsapiPayParams {
    pub app_id: String,
    pub time_stamp: String,
    pub nonce_str: String,
    pub package: String,
    pub sign_type: &'static str,
    pub pay_sign: String,
}

/// Signs `appId\ntimeStamp\nnonceStr\nprepay_id=…\n` with the merchant key.
pub fn jsapi_pay_params(
    key: &MerchantKey,
    appid: &str,
    prepay_id: &str,
    timestamp: i64,
    nonce: &str,
) -> Result<JsapiPayParams, GatewayError> {
    check_nonce(nonce)?;
    if appid.is_empty() || prepay_id.is_empty() || prepay_id.contains('\n') || appid.contains('\n')
    {
        return Err(GatewayError::field(
            "prepay_id",
            "appid and prepay_id must be non-empty single lines",
        ));
    }
    let package = format!("prepay_id={prepay_id}");
    let time_stamp = timestamp.to_string();
    let message = format!("{appid}\n{time_stamp}\n{nonce}\n{package}\n");
    Ok(JsapiPayParams {
        app_id: appid.to_string(),
        time_stamp,
        nonce_str: nonce.to_string(),
        package,
        sign_type: "RSA",
        pay_sign: keys::sign(&key.private_key, message.as_bytes())?,
    })
}

// The nonce goes inside a quoted header field and a newline-separated message: letters and
// digits only, at most 32 (WeChat Pay's limit).
fn check_nonce(nonce: &str) -> Result<(), GatewayError> {
    if nonce.is_empty() || nonce.len() > 32 || !nonce.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(GatewayError::field(
            "nonce",
            "must be 1 to 32 letters or digits",
        ));
    }
    Ok(())
}
