//! Alipay open platform (支付宝开放平台), OpenAPI 2.0 gateway with RSA2 keys (public-key mode).
//!
//! - [`AppKey`] signs request parameters ([`sign_string`], [`sign_params`]); [`WapPay`],
//!   [`trade_query`], [`TradeRefund`] and [`bill_download_url_query`] build signed requests,
//!   [`wap_pay_url`] the page the phone is sent to.
//! - [`verify_notification`] checks the async notification (notify_url POST) and reads it
//!   into a [`TradeNotice`]; [`verify_response`] checks a gateway answer's `sign` over the
//!   exact text of its `…_response` node.
//! - [`parse_statement`] reads the trade statement (业务明细) and checks its totals.
//!
//! Amounts are yuan strings on the wire and fen everywhere else ([`crate::billing::money`]).

mod notify;
mod requests;
mod response;
mod sign;
mod statement;

pub use notify::{TradeNotice, TradeStatus, verify_notification};
pub use requests::{
    GATEWAY, SignedRequest, TradeRefund, WapPay, bill_download_url_query, trade_query, wap_pay_url,
};
pub use response::{response_node, verify_response};
pub use sign::{AlipayPublicKey, AppKey, sign_params, sign_string};
pub use statement::{Statement, StatementRow, StatementTotals, parse_statement};
