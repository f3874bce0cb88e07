//! WeChat Pay API v3 (微信支付 APIv3), direct-merchant mode.
//!
//! - [`MerchantKey`] signs requests ([`sign_request`], [`authorization`]) and the JSAPI
//!   client parameters ([`jsapi_pay_params`]).
//! - [`JsapiOrder`], [`H5Order`], [`RefundRequest`], [`query_by_out_trade_no`], [`close`] and
//!   [`TradeBillRequest`] build the [`ApiRequest`]s the server sends.
//! - [`Verifier`] checks notifications and answers signed by WeChat Pay, with platform
//!   certificates or the newer WeChat Pay public key (`PUB_KEY_ID_…`).
//! - [`Notification`] and [`decrypt_resource`] open the AES-256-GCM resource into a
//!   [`Transaction`] or a [`RefundNotice`].
//! - [`parse_trade_bill`] reads the trade bill (交易账单) and checks its summary.

mod bill;
mod notify;
mod queries;
mod requests;
mod sign;
mod verify;

pub use crate::billing::ids::{OutRefundNo, OutTradeNo};
pub use bill::{BillRow, BillSummary, TradeBill, parse_trade_bill};
pub use notify::{
    ApiV3Key, EncryptedResource, Notification, Payer, RefundAmount, RefundNotice, RefundStatus,
    TradeState, Transaction, TransactionAmount, decrypt_resource,
};
pub use queries::{BillType, TarType, TradeBillRequest, close, query_by_out_trade_no};
pub use requests::{ApiRequest, H5Order, JsapiOrder, RefundRequest};
pub use sign::{JsapiPayParams, MerchantKey, authorization, jsapi_pay_params, sign_request};
pub use verify::{REPLAY_WINDOW_SECS, ReplayKey, SignedHeaders, Verifier};
