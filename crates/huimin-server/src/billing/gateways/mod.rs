//! Payment gateways (`docs/design/payments.md`): one trait, one implementation per provider.
//! The patient pays an order on the gateway's page; the gateway tells Huimin by a signed
//! notification (`notify`), which is verified, amount-checked and applied once
//! (`huimin_store::billing::online`). Refunds of online payments go back through the gateway
//! that brought the money (`worker`).
//!
//! Providers today: `sandbox`, a gateway Huimin serves itself (`sandbox_server`) for the demo
//! and the tests, spoken to over HTTP like a real one. WeChat Pay and Alipay's protocols are in
//! `huimin-gateways`; their HTTP clients plug in here as further providers.

pub mod notify;
pub mod pay;
pub mod sandbox;
pub mod sandbox_server;
pub mod worker;

use std::future::Future;

use axum::http::HeaderMap;
use huimin_domain::appointments::PaymentMethod;

pub use sandbox::SandboxGateway;

/// An order to open at the gateway.
#[derive(Clone, Debug)]
pub struct CheckoutRequest {
    pub order_id: String,
    pub amount_fen: i64,
    /// What the patient sees on the gateway's page (hospital and visit).
    pub description: String,
    /// Where the gateway sends its notification.
    pub notify_url: String,
    /// Where the patient's browser returns after paying.
    pub return_url: String,
}

/// A refund to ask of the gateway.
#[derive(Clone, Debug)]
pub struct RefundRequest {
    pub refund_id: String,
    pub order_id: String,
    pub amount_fen: i64,
    pub order_amount_fen: i64,
}

/// A notification, verified: what the gateway says happened to an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Remembered for the replay window: a nonce seen twice is a replay.
    pub nonce: String,
    pub order_id: String,
    pub transaction: String,
    pub state: TradeState,
    pub amount_fen: i64,
    pub currency: String,
    /// Microseconds, UTC.
    pub paid_at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TradeState {
    Success,
    /// The payment failed or was closed at the gateway: nothing was taken.
    Failed,
}

/// What a gateway answered when it did not do what was asked.
#[derive(Clone, Debug, thiserror::Error)]
pub enum GatewayFailure {
    #[error("gateway unreachable: {0}")]
    Unreachable(String),
    #[error("gateway refused: {0}")]
    Refused(String),
}

/// Why a notification is not believed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Forged {
    #[error("signature missing or wrong")]
    Signature,
    #[error("timestamp outside the replay window")]
    Stale,
    #[error("malformed notification: {0}")]
    Malformed(String),
}

/// One payment gateway.
pub trait Gateway: Send + Sync {
    /// The provider's code (`pay_orders.provider`, the notification path).
    fn provider(&self) -> &'static str;

    /// Opens the order at the gateway; the page the patient pays on.
    fn checkout(
        &self,
        order: &CheckoutRequest,
        channel: PaymentMethod,
    ) -> impl Future<Output = Result<String, GatewayFailure>> + Send;

    /// Closes an order that will not be paid (expired or replaced).
    fn close(&self, order_id: &str) -> impl Future<Output = Result<(), GatewayFailure>> + Send;

    /// Asks for money back; Ok once the gateway accepted the refund.
    fn refund(
        &self,
        refund: &RefundRequest,
    ) -> impl Future<Output = Result<(), GatewayFailure>> + Send;

    /// Verifies a notification's signature and freshness (`now`, microseconds) and reads it.
    fn verify(&self, headers: &HeaderMap, body: &[u8], now: i64) -> Result<Notice, Forged>;

    /// The gateway's statement of a day (China time) as the raw file text it serves, read by
    /// the provider's parser in `huimin-gateways` when reconciling (`billing::reconcile`).
    fn statement(
        &self,
        date: jiff::civil::Date,
    ) -> impl Future<Output = Result<String, GatewayFailure>> + Send;
}

/// The insurance rules of the demonstration policy and catalogue, at a tertiary hospital
/// (三级). Both files ship with the code and are tested there, so they always parse.
pub fn insurance_rules() -> huimin_store::billing::InsuranceRules {
    use huimin_domain::billing::insurance::{Catalogue, HospitalLevel, Policy};
    huimin_store::billing::InsuranceRules {
        policy: Policy::demo().unwrap_or_else(|e| panic!("shipped insurance policy: {e:?}")),
        catalogue: Catalogue::demo()
            .unwrap_or_else(|e| panic!("shipped insurance catalogue: {e:?}")),
        level: HospitalLevel::Three,
    }
}

/// The gateways configured, by the payment method they carry.
#[derive(Clone, Default)]
pub struct Gateways {
    pub sandbox: Option<SandboxGateway>,
    /// Wakes the payments worker (a refund queued, a sandbox payment to notify).
    wake: std::sync::Arc<tokio::sync::Notify>,
}

impl Gateways {
    /// The gateways the settings ask for; the sandbox is reached at `self_url` and keyed
    /// from `seed` (a secret derived from the data key).
    pub fn configured(sandbox: bool, self_url: &str, seed: &[u8; 32]) -> Self {
        Self {
            sandbox: sandbox.then(|| {
                SandboxGateway::new(self_url.to_owned(), sandbox::SandboxKeys::derive(seed))
            }),
            wake: Default::default(),
        }
    }

    /// Wakes the payments worker: a refund to send, a sandbox notification to deliver.
    pub fn wake_worker(&self) {
        self.wake.notify_one();
    }

    /// Resolves when someone wakes the worker.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// The gateway that carries `channel`, if one is configured.
    pub fn for_channel(&self, channel: PaymentMethod) -> Option<&SandboxGateway> {
        match channel {
            PaymentMethod::WechatPay | PaymentMethod::Alipay => self.sandbox.as_ref(),
            _ => None,
        }
    }

    /// The gateway of a provider code (a notification's path, an order's provider).
    pub fn by_provider(&self, provider: &str) -> Option<&SandboxGateway> {
        self.sandbox.as_ref().filter(|g| g.provider() == provider)
    }

    /// The payment methods patients can pay online with.
    pub fn channels(&self) -> Vec<PaymentMethod> {
        [PaymentMethod::WechatPay, PaymentMethod::Alipay]
            .into_iter()
            .filter(|c| self.for_channel(*c).is_some())
            .collect()
    }
}
