//! The sandbox's trade bill (交易账单): `GET /sandbox/v3/bill/tradebill?bill_date=YYYY-MM-DD`,
//! merchant-signed like its other endpoints, answers the day's (Beijing time) payments and
//! refunds as the text WeChat Pay's ALL bill is, which `huimin_gateways`'
//! `wechat::parse_trade_bill` reads. WeChat Pay answers a download URL first and the file
//! second; the sandbox answers the file at once (one step less, same text).

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use huimin_store::sandbox::{SandboxRefund, SandboxTrade};
use serde::Deserialize;

use super::{refuse, sandbox_error, signed_as};
use crate::billing::reconcile::{china, day_bounds};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct BillQuery {
    bill_date: String,
}

pub async fn tradebill(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<BillQuery>,
) -> Response {
    if let Err(refused) = signed_as(&state, "GET", &headers, &uri, b"") {
        return refused.into_response();
    }
    let Some((from, to)) = q
        .bill_date
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(day_bounds)
    else {
        return refuse(StatusCode::BAD_REQUEST, "PARAM_ERROR", "bill_date invalid");
    };
    match state.store.sandbox_day(from, to).await {
        Ok((trades, refunds)) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            trade_bill(&trades, &refunds),
        )
            .into_response(),
        Err(e) => sandbox_error(e.into()),
    }
}

/// The columns of WeChat Pay's ALL bill, in its order.
const HEADER: &str = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,\
交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,\
充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
const APP_ID: &str = "wxsandbox0000000";
const MERCHANT: &str = "1900000000";

fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

fn beijing(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| {
            t.to_zoned(china())
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// Every field behind a backtick, as WeChat Pay writes them (and as the parser splits them);
/// a backtick inside a field would split it, so none is let through.
fn row(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| format!("`{}", f.replace(['`', '\n', '\r'], " ")))
        .collect::<Vec<_>>()
        .join(",")
}

fn trade_fields(t: &SandboxTrade, time: i64) -> Vec<String> {
    vec![
        beijing(time),
        APP_ID.into(),
        MERCHANT.into(),
        "0".into(),
        String::new(),
        t.transaction_id.clone().unwrap_or_default(),
        t.out_trade_no.clone(),
        format!("sandbox-{}", t.channel),
        "MWEB".into(),
    ]
}

fn payment_row(t: &SandboxTrade) -> String {
    let mut f = trade_fields(t, t.paid_at.unwrap_or(t.created_at));
    let amount = yuan(t.amount_fen);
    f.extend(
        [
            "SUCCESS",
            "OTHERS",
            "CNY",
            &amount,
            "0.00",
            "0",
            "0",
            "0.00",
            "0.00",
            "",
            "",
            &t.description,
            "",
            "0.00000",
            "0.00%",
            &amount,
            "0.00",
            "",
        ]
        .map(str::to_owned),
    );
    row(&f)
}

fn refund_row(r: &SandboxRefund) -> String {
    let t = &r.trade;
    let mut f = trade_fields(t, r.created_at);
    let (refund, total) = (yuan(r.amount_fen), yuan(t.amount_fen));
    let refund_id = format!("50{}", r.out_refund_no);
    f.extend(
        [
            "REFUND",
            "OTHERS",
            "CNY",
            "0.00",
            "0.00",
            &refund_id,
            &r.out_refund_no,
            &refund,
            "0.00",
            "ORIGINAL",
            "SUCCESS",
            &t.description,
            "",
            "0.00000",
            "0.00%",
            &total,
            &refund,
            "",
        ]
        .map(str::to_owned),
    );
    row(&f)
}

/// The bill's text: header, payment and refund rows by time, the summary.
pub fn trade_bill(trades: &[SandboxTrade], refunds: &[SandboxRefund]) -> String {
    let mut rows: Vec<(i64, String)> = trades
        .iter()
        .map(|t| (t.paid_at.unwrap_or(t.created_at), payment_row(t)))
        .chain(refunds.iter().map(|r| (r.created_at, refund_row(r))))
        .collect();
    rows.sort_by_key(|(at, _)| *at);
    let settled: i64 = trades.iter().map(|t| t.amount_fen).sum();
    let refunded: i64 = refunds.iter().map(|r| r.amount_fen).sum();
    let mut text = format!("{HEADER}\r\n");
    for (_, line) in &rows {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n");
    text.push_str(&row(&[
        rows.len().to_string(),
        yuan(settled),
        yuan(refunded),
        "0.00".into(),
        "0.00000".into(),
        yuan(settled),
        yuan(refunded),
    ]));
    text.push_str("\r\n");
    text
}

#[cfg(test)]
mod tests {
    use huimin_gateways::billing::wechat::parse_trade_bill;

    use super::*;

    fn trade(no: &str, fen: i64, paid_at: i64) -> SandboxTrade {
        SandboxTrade {
            out_trade_no: no.into(),
            channel: "wechat-pay".into(),
            amount_fen: fen,
            description: "惠民医院, 挂号费 `x`".into(),
            notify_url: String::new(),
            return_url: String::new(),
            state: "SUCCESS".into(),
            transaction_id: Some(format!("42{no}")),
            paid_at: Some(paid_at),
            refunded_fen: 0,
            notify_due: None,
            notify_left: 0,
            notify_attempts: 0,
            created_at: paid_at,
        }
    }

    #[test]
    fn the_bill_is_what_the_wechat_parser_reads_back() {
        // 2026-12-06 10:00 Beijing = 02:00 UTC.
        let at = 1_796_522_400_000_000;
        let (a, b) = (
            trade("HM000001", 5000, at),
            trade("HM000002", 1234, at + 60),
        );
        let refund = SandboxRefund {
            out_refund_no: "RF0001".into(),
            amount_fen: 1000,
            created_at: at + 120,
            trade: a.clone(),
        };
        let bill = parse_trade_bill(&trade_bill(&[a, b], &[refund])).unwrap();
        assert_eq!(bill.rows.len(), 3);
        assert_eq!(bill.rows[0].out_trade_no, "HM000001");
        assert_eq!(bill.rows[0].settlement_fen, 5000);
        assert_eq!(bill.rows[0].time, "2026-12-06 10:00:00");
        assert_eq!(bill.rows[0].description, "惠民医院, 挂号费  x ");
        assert_eq!(bill.rows[1].settlement_fen, 1234);
        assert_eq!(bill.rows[2].trade_state, "REFUND");
        assert_eq!(bill.rows[2].out_refund_no, "RF0001");
        assert_eq!(bill.rows[2].refund_fen, 1000);
        assert_eq!(bill.summary.settlement_fen, 6234);
    }

    #[test]
    fn an_empty_day_is_a_bill_with_no_rows() {
        let bill = parse_trade_bill(&trade_bill(&[], &[])).unwrap();
        assert!(bill.rows.is_empty());
        assert_eq!(bill.summary.count, 0);
    }
}
