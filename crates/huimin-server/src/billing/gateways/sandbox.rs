//! The sandbox gateway as Huimin's billing sees it: a client that opens, closes and refunds
//! orders over HTTP, and verifies the sandbox's notifications, exactly as it would a real
//! gateway's. Requests are signed with the merchant key and notifications with the platform
//! key (HMAC-SHA256 over the same fields WeChat Pay API v3 signs: method, path, timestamp,
//! nonce, body); both keys are derived from the data key, so nothing secret is stored.

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use huimin_domain::appointments::PaymentMethod;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{CheckoutRequest, Forged, Gateway, GatewayFailure, Notice, RefundRequest, TradeState};

/// The `Authorization` scheme of requests to the sandbox.
pub const SCHEME: &str = "HUIMIN-SANDBOX-HMAC-SHA256";
pub const TIMESTAMP: &str = "sandbox-timestamp";
pub const NONCE: &str = "sandbox-nonce";
pub const SIGNATURE: &str = "sandbox-signature";
/// How far a notification's timestamp may be from now (the window nonces are kept for).
pub const WINDOW_SECONDS: i64 = 300;

/// The sandbox's two keys.
#[derive(Clone)]
pub struct SandboxKeys {
    pub merchant: [u8; 32],
    pub platform: [u8; 32],
}

impl SandboxKeys {
    /// Derived from a secret of the data key's (the token signing key), one per use.
    pub fn derive(seed: &[u8; 32]) -> Self {
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut hash = Sha256::new();
            hash.update(b"huimin sandbox gateway ");
            hash.update(label);
            hash.update(seed);
            hash.finalize().into()
        };
        Self {
            merchant: derive(b"merchant"),
            platform: derive(b"platform"),
        }
    }
}

fn hmac(key: &[u8; 32]) -> Hmac<Sha256> {
    // HMAC takes a key of any length: this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

/// The signature of a message under a key, base64.
pub fn sign(key: &[u8; 32], message: &str) -> String {
    let mut mac = hmac(key);
    mac.update(message.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `signature` (base64) is the key's signature of `message`, in constant time.
pub fn verify(key: &[u8; 32], message: &str, signature: &str) -> bool {
    let Ok(bytes) = STANDARD.decode(signature) else {
        return false;
    };
    let mut mac = hmac(key);
    mac.update(message.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

/// What a request's signature covers.
pub fn request_message(
    method: &str,
    path: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> String {
    format!("{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n")
}

/// What a notification's signature covers.
pub fn notice_message(timestamp: i64, nonce: &str, body: &[u8]) -> String {
    format!("{timestamp}\n{nonce}\n{}\n", String::from_utf8_lossy(body))
}

/// The sandbox as a gateway: its base address (Huimin's own) and keys.
#[derive(Clone)]
pub struct SandboxGateway {
    base: String,
    keys: SandboxKeys,
    http: reqwest::Client,
}

impl SandboxGateway {
    pub fn new(base: String, keys: SandboxKeys) -> Self {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self { base, keys, http }
    }

    pub fn keys(&self) -> &SandboxKeys {
        &self.keys
    }

    /// Sends a signed request to the sandbox; its JSON answer.
    async fn call(&self, path: &str, body: &Value) -> Result<Value, GatewayFailure> {
        let text = self.send("POST", path, body.to_string()).await?;
        if text.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| GatewayFailure::Refused(format!("{e}: {text}")))
    }

    /// Sends a signed request (a GET signs an empty body, as WeChat Pay's do); the answer's
    /// text when it succeeded.
    async fn send(&self, method: &str, path: &str, body: String) -> Result<String, GatewayFailure> {
        let timestamp = jiff::Timestamp::now().as_second();
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let signature = sign(
            &self.keys.merchant,
            &request_message(method, path, timestamp, &nonce, &body),
        );
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.http.get(url),
            _ => self
                .http
                .post(url)
                .header("content-type", "application/json")
                .body(body),
        };
        let answer = request
            .header(
                "authorization",
                format!(
                    r#"{SCHEME} timestamp="{timestamp}",nonce="{nonce}",signature="{signature}""#
                ),
            )
            .send()
            .await
            .map_err(|e| GatewayFailure::Unreachable(e.to_string()))?;
        let status = answer.status();
        let text = answer
            .text()
            .await
            .map_err(|e| GatewayFailure::Unreachable(e.to_string()))?;
        if !status.is_success() {
            return Err(GatewayFailure::Refused(format!("{status}: {text}")));
        }
        Ok(text)
    }
}

impl Gateway for SandboxGateway {
    fn provider(&self) -> &'static str {
        "sandbox"
    }

    async fn checkout(
        &self,
        order: &CheckoutRequest,
        channel: PaymentMethod,
    ) -> Result<String, GatewayFailure> {
        let answer = self
            .call(
                "/sandbox/v3/pay/transactions/h5",
                &json!({
                    "out_trade_no": order.order_id,
                    "channel": channel.code(),
                    "description": order.description,
                    "amount": {"total": order.amount_fen, "currency": "CNY"},
                    "notify_url": order.notify_url,
                    "return_url": order.return_url,
                }),
            )
            .await?;
        answer["h5_url"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| GatewayFailure::Refused(format!("no h5_url in {answer}")))
    }

    async fn close(&self, order_id: &str) -> Result<(), GatewayFailure> {
        self.call(
            &format!("/sandbox/v3/pay/transactions/out-trade-no/{order_id}/close"),
            &json!({}),
        )
        .await
        .map(|_| ())
    }

    async fn refund(&self, refund: &RefundRequest) -> Result<(), GatewayFailure> {
        let answer = self
            .call(
                "/sandbox/v3/refund/domestic/refunds",
                &json!({
                    "out_refund_no": refund.refund_id,
                    "out_trade_no": refund.order_id,
                    "amount": {
                        "refund": refund.amount_fen,
                        "total": refund.order_amount_fen,
                        "currency": "CNY",
                    },
                }),
            )
            .await?;
        match answer["status"].as_str() {
            Some("SUCCESS") => Ok(()),
            _ => Err(GatewayFailure::Refused(answer.to_string())),
        }
    }

    async fn statement(&self, date: jiff::civil::Date) -> Result<String, GatewayFailure> {
        self.send(
            "GET",
            &format!("/sandbox/v3/bill/tradebill?bill_date={date}"),
            String::new(),
        )
        .await
    }

    fn verify(&self, headers: &HeaderMap, body: &[u8], now: i64) -> Result<Notice, Forged> {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .ok_or(Forged::Signature)
        };
        let timestamp: i64 = header(TIMESTAMP)?
            .parse()
            .map_err(|_| Forged::Malformed("timestamp".into()))?;
        let nonce = header(NONCE)?;
        let signature = header(SIGNATURE)?;
        if !verify(
            &self.keys.platform,
            &notice_message(timestamp, nonce, body),
            signature,
        ) {
            return Err(Forged::Signature);
        }
        if (now / 1_000_000 - timestamp).abs() > WINDOW_SECONDS {
            return Err(Forged::Stale);
        }
        read_notice(body, nonce)
    }
}

/// Reads a verified notification's body.
fn read_notice(body: &[u8], nonce: &str) -> Result<Notice, Forged> {
    let malformed = |what: &str| Forged::Malformed(what.to_owned());
    let value: Value =
        serde_json::from_slice(body).map_err(|e| Forged::Malformed(e.to_string()))?;
    let resource = &value["resource"];
    let text = |field: &str| {
        resource[field]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| malformed(field))
    };
    let state = match text("trade_state")?.as_str() {
        "SUCCESS" => TradeState::Success,
        "PAYERROR" | "CLOSED" => TradeState::Failed,
        other => return Err(malformed(&format!("trade_state {other}"))),
    };
    let paid_at = match state {
        TradeState::Success => text("success_time")?
            .parse::<jiff::Timestamp>()
            .map_err(|_| malformed("success_time"))?
            .as_microsecond(),
        TradeState::Failed => 0,
    };
    Ok(Notice {
        nonce: nonce.to_owned(),
        order_id: text("out_trade_no")?,
        transaction: text("transaction_id").unwrap_or_default(),
        state,
        amount_fen: resource["amount"]["total"]
            .as_i64()
            .ok_or_else(|| malformed("amount.total"))?,
        currency: resource["amount"]["currency"]
            .as_str()
            .ok_or_else(|| malformed("amount.currency"))?
            .to_owned(),
        paid_at,
    })
}
