//! The trade statement (业务明细) inside the zip that the bill download URL serves.
//!
//! Real files are GBK; this reads UTF-8 text, so the server decodes first (the zip and the
//! encoding are I/O-side concerns). Layout, from Alipay's documentation of
//! `alipay.data.dataservice.bill.downloadurl.query` (opendocs.alipay.com, 账单格式), not
//! checked against a live file (none is public):
//! - `#` lines: title, account, period, separators, then after the rows the totals
//!   `#交易合计：N笔，商家实收共：X元，…` and `#退款合计：N笔，商家实收退款共：-X元，…`;
//! - one header row: 支付宝交易号, 商户订单号, 业务类型, 商品名称, 创建时间, 完成时间, …,
//!   订单金额（元）, 商家实收（元）, …, 退款批次号/请求号, 服务费（元）, …, 备注;
//! - rows, values often padded with a tab (to keep spreadsheets from reformatting numbers);
//!   业务类型 is 交易 or 退款, a refund's 商家实收 is negative.
//!
//! Columns are found by header name, so their order and extra columns do not matter.

use crate::billing::GatewayError;
use crate::billing::money::yuan_to_fen;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    pub trade_no: String,
    pub out_trade_no: String,
    pub is_refund: bool,
    pub subject: String,
    pub created: String,
    pub finished: String,
    /// 订单金额: the order's amount (also on refund rows).
    pub order_fen: i64,
    /// 商家实收: what the merchant received, negative for a refund.
    pub received_fen: i64,
    /// 退款批次号/请求号: the refund's out_request_no.
    pub out_request_no: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementTotals {
    pub trade_count: usize,
    pub trade_received_fen: i64,
    pub refund_count: usize,
    /// Negative, as written.
    pub refund_received_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub rows: Vec<StatementRow>,
    pub totals: StatementTotals,
}

/// Parses a statement and checks its totals lines against its rows.
pub fn parse_statement(text: &str) -> Result<Statement, GatewayError> {
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let (mut trades, mut refunds) = (None, None);
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim_start_matches('\u{feff}').trim_end_matches('\r');
        if let Some(meta) = line.strip_prefix('#') {
            if let Some(rest) = meta.strip_prefix("交易合计：") {
                trades = Some(totals_line(rest, "商家实收共：", line_no)?);
            } else if let Some(rest) = meta.strip_prefix("退款合计：") {
                refunds = Some(totals_line(rest, "商家实收退款共：", line_no)?);
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let fields = split_fields(line, line_no)?;
        match &header {
            None => {
                header = Some(
                    fields
                        .iter()
                        .map(|f| f.replace('(', "（").replace(')', "）"))
                        .collect(),
                )
            }
            Some(names) => rows.push(row(names, &fields, line_no)?),
        }
    }
    let end = text.lines().count();
    if header.is_none() {
        return Err(err(end, "no header row"));
    }
    let (trade_count, trade_received_fen) =
        trades.ok_or_else(|| err(end, "the #交易合计 line is missing"))?;
    let (refund_count, refund_received_fen) =
        refunds.ok_or_else(|| err(end, "the #退款合计 line is missing"))?;
    let totals = StatementTotals {
        trade_count,
        trade_received_fen,
        refund_count,
        refund_received_fen,
    };
    check(&rows, &totals)?;
    Ok(Statement { rows, totals })
}

fn row(names: &[String], fields: &[String], line: usize) -> Result<StatementRow, GatewayError> {
    if fields.len() != names.len() {
        return Err(err(
            line,
            &format!("{} fields, the header has {}", fields.len(), names.len()),
        ));
    }
    let get = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .map_or("", |i| fields[i].as_str())
    };
    let required = |name: &str| {
        let v = get(name);
        if v.is_empty() {
            Err(err(
                line,
                &format!("{name} is empty or its column is missing"),
            ))
        } else {
            Ok(v)
        }
    };
    let amount = |name: &str| -> Result<i64, GatewayError> {
        let v = required(name)?;
        signed_fen(v).ok_or_else(|| err(line, &format!("{name} {v:?} is not an amount")))
    };
    let is_refund = match required("业务类型")? {
        "交易" => false,
        "退款" => true,
        other => return Err(err(line, &format!("unknown 业务类型 {other:?}"))),
    };
    Ok(StatementRow {
        trade_no: required("支付宝交易号")?.into(),
        out_trade_no: required("商户订单号")?.into(),
        is_refund,
        subject: get("商品名称").into(),
        created: get("创建时间").into(),
        finished: get("完成时间").into(),
        order_fen: amount("订单金额（元）")?,
        received_fen: amount("商家实收（元）")?,
        out_request_no: get("退款批次号/请求号").into(),
    })
}

fn check(rows: &[StatementRow], t: &StatementTotals) -> Result<(), GatewayError> {
    let (refund_rows, trade_rows): (Vec<_>, Vec<_>) = rows.iter().partition(|r| r.is_refund);
    let sum = |rs: &[&StatementRow]| rs.iter().map(|r| r.received_fen).sum::<i64>();
    let found = (
        trade_rows.len(),
        sum(&trade_rows),
        refund_rows.len(),
        sum(&refund_rows),
    );
    let stated = (
        t.trade_count,
        t.trade_received_fen,
        t.refund_count,
        t.refund_received_fen,
    );
    if found != stated {
        return Err(GatewayError::SummaryMismatch(format!(
            "rows give (trades, received fen, refunds, refunded fen) = {found:?}, the totals lines say {stated:?}"
        )));
    }
    Ok(())
}

// "2笔，商家实收共：25.50元，…" → (2, 2550)
fn totals_line(rest: &str, label: &str, line: usize) -> Result<(usize, i64), GatewayError> {
    let bad = || err(line, &format!("cannot read the totals line {rest:?}"));
    let (count, after) = rest.split_once('笔').ok_or_else(bad)?;
    let count = count.trim().parse().map_err(|_| bad())?;
    let (_, amount) = after.split_once(label).ok_or_else(bad)?;
    let (amount, _) = amount.split_once('元').ok_or_else(bad)?;
    Ok((count, signed_fen(amount.trim()).ok_or_else(bad)?))
}

fn signed_fen(v: &str) -> Option<i64> {
    match v.strip_prefix('-') {
        Some(abs) => yuan_to_fen(abs).ok().map(|f| -f),
        None => yuan_to_fen(v).ok(),
    }
}

// Comma-separated with optional double quotes ("" inside quotes is a quote); each field
// trimmed of the spaces and tabs Alipay pads with.
fn split_fields(line: &str, line_no: usize) -> Result<Vec<String>, GatewayError> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    if quoted {
        return Err(err(line_no, "an unclosed quote"));
    }
    fields.push(cur.trim().to_string());
    Ok(fields)
}

fn err(line: usize, reason: &str) -> GatewayError {
    GatewayError::Statement {
        line,
        reason: reason.to_string(),
    }
}

#[cfg(test)]
#[path = "statement_tests.rs"]
mod tests;
