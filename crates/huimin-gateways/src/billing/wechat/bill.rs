//! The trade bill (交易账单) WeChat Pay serves as text (after un-gzipping when `tar_type` was
//! GZIP): a header row, one row per payment or refund, then a summary header and row.
//!
//! Every field is written with a leading backtick (so spreadsheets keep long numbers as text),
//! which is also what makes the rows splittable: fields are separated by ",`", so a comma in
//! a product name does not split it. Columns are found by their header name, so a SUCCESS or
//! REFUND bill (fewer columns) reads the same. Column names as in WeChat Pay's documentation
//! of the ALL bill (pay.weixin.qq.com/docs/merchant, 申请交易账单 / 账单文件格式):
//! 交易时间, 公众账号ID, 商户号, 特约商户号, 设备号, 微信订单号, 商户订单号, 用户标识, 交易类型,
//! 交易状态, 付款银行, 货币种类, 应结订单金额, 代金券金额, 微信退款单号, 商户退款单号, 退款金额,
//! 充值券退款金额, 退款类型, 退款状态, 商品名称, 商户数据包, 手续费, 费率, 订单金额, 申请退款金额,
//! 费率备注; summary: 总交易单数, 应结订单总金额, 退款总金额, 充值券退款总金额, 手续费总金额,
//! 订单总金额, 申请退款总金额. Amounts are yuan with two decimals; a refund row has 应结订单金额
//! 0.00 and the refund in 退款金额. Written from the documentation, not checked against a live
//! bill file (none is public).

use crate::billing::GatewayError;
use crate::billing::money::yuan_to_fen;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRow {
    /// `YYYY-MM-DD HH:MM:SS`, Beijing time.
    pub time: String,
    pub transaction_id: String,
    pub out_trade_no: String,
    pub openid: String,
    /// SUCCESS, REFUND or REVOKED.
    pub trade_state: String,
    /// 应结订单金额 (0 on refund rows).
    pub settlement_fen: i64,
    pub refund_id: String,
    pub out_refund_no: String,
    /// 退款金额 (0 on payment rows).
    pub refund_fen: i64,
    pub refund_status: String,
    pub description: String,
    pub attach: String,
    /// 手续费, as written (WeChat Pay gives it to more decimals than fen).
    pub fee: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillSummary {
    pub count: usize,
    pub settlement_fen: i64,
    pub refund_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeBill {
    pub rows: Vec<BillRow>,
    pub summary: BillSummary,
}

/// Parses a trade bill and checks that its summary matches its rows (count, settlement and
/// refund totals); a mismatch means a truncated or altered file.
pub fn parse_trade_bill(text: &str) -> Result<TradeBill, GatewayError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or_else(|| err(1, "the bill is empty"))?;
    let columns = Columns::new(split_header(header))?;
    let mut rows = Vec::new();
    let mut summary = None;
    while let Some((i, line)) = lines.next() {
        let line_no = i + 1;
        if line
            .trim_start_matches('\u{feff}')
            .starts_with("总交易单数")
        {
            let names = split_header(line);
            let (j, values) = lines
                .next()
                .ok_or_else(|| err(line_no, "the summary row is missing"))?;
            summary = Some(read_summary(&names, &split_row(values), j + 1)?);
            break;
        }
        rows.push(columns.row(&split_row(line), line_no)?);
    }
    let summary =
        summary.ok_or_else(|| err(text.lines().count(), "the summary (总交易单数) is missing"))?;
    check_summary(&rows, &summary)?;
    Ok(TradeBill { rows, summary })
}

struct Columns {
    names: Vec<String>,
}

impl Columns {
    fn new(names: Vec<String>) -> Result<Self, GatewayError> {
        for required in [
            "交易时间",
            "微信订单号",
            "商户订单号",
            "交易状态",
            "应结订单金额",
        ] {
            if !names.iter().any(|n| n == required) {
                return Err(err(1, &format!("the header has no {required} column")));
            }
        }
        Ok(Self { names })
    }

    fn get<'a>(&self, fields: &'a [String], name: &str) -> &'a str {
        self.names
            .iter()
            .position(|n| n == name)
            .and_then(|i| fields.get(i))
            .map_or("", |s| s.as_str())
    }

    fn row(&self, fields: &[String], line: usize) -> Result<BillRow, GatewayError> {
        if fields.len() != self.names.len() {
            return Err(err(
                line,
                &format!(
                    "{} fields, the header has {}",
                    fields.len(),
                    self.names.len()
                ),
            ));
        }
        let amount = |name: &str| {
            let v = self.get(fields, name);
            if v.is_empty() {
                Ok(0)
            } else {
                yuan_to_fen(v).map_err(|_| err(line, &format!("{name} {v:?} is not an amount")))
            }
        };
        let trade_state = self.get(fields, "交易状态").to_string();
        if !matches!(trade_state.as_str(), "SUCCESS" | "REFUND" | "REVOKED") {
            return Err(err(line, &format!("unknown 交易状态 {trade_state:?}")));
        }
        Ok(BillRow {
            time: self.get(fields, "交易时间").into(),
            transaction_id: self.get(fields, "微信订单号").into(),
            out_trade_no: self.get(fields, "商户订单号").into(),
            openid: self.get(fields, "用户标识").into(),
            trade_state,
            settlement_fen: amount("应结订单金额")?,
            refund_id: self.get(fields, "微信退款单号").into(),
            out_refund_no: self.get(fields, "商户退款单号").into(),
            refund_fen: amount("退款金额")?,
            refund_status: self.get(fields, "退款状态").into(),
            description: self.get(fields, "商品名称").into(),
            attach: self.get(fields, "商户数据包").into(),
            fee: self.get(fields, "手续费").into(),
        })
    }
}

fn read_summary(
    names: &[String],
    values: &[String],
    line: usize,
) -> Result<BillSummary, GatewayError> {
    let get = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .and_then(|i| values.get(i))
            .ok_or_else(|| err(line, &format!("the summary has no {name}")))
    };
    let count = get("总交易单数")?;
    let count = count
        .parse()
        .map_err(|_| err(line, &format!("总交易单数 {count:?} is not a number")))?;
    let amount = |name: &str| -> Result<i64, GatewayError> {
        let v = get(name)?;
        yuan_to_fen(v).map_err(|_| err(line, &format!("{name} {v:?} is not an amount")))
    };
    Ok(BillSummary {
        count,
        settlement_fen: amount("应结订单总金额")?,
        refund_fen: amount("退款总金额")?,
    })
}

fn check_summary(rows: &[BillRow], summary: &BillSummary) -> Result<(), GatewayError> {
    let settlement: i64 = rows.iter().map(|r| r.settlement_fen).sum();
    let refund: i64 = rows.iter().map(|r| r.refund_fen).sum();
    if rows.len() != summary.count {
        return Err(GatewayError::SummaryMismatch(format!(
            "{} rows, 总交易单数 says {}",
            rows.len(),
            summary.count
        )));
    }
    if settlement != summary.settlement_fen {
        return Err(GatewayError::SummaryMismatch(format!(
            "rows settle {settlement} fen, 应结订单总金额 says {}",
            summary.settlement_fen
        )));
    }
    if refund != summary.refund_fen {
        return Err(GatewayError::SummaryMismatch(format!(
            "rows refund {refund} fen, 退款总金额 says {}",
            summary.refund_fen
        )));
    }
    Ok(())
}

fn split_header(line: &str) -> Vec<String> {
    line.trim_start_matches('\u{feff}')
        .trim_end_matches('\r')
        .split(',')
        .map(|s| s.trim().to_string())
        .collect()
}

fn split_row(line: &str) -> Vec<String> {
    let line = line.trim_end_matches('\r');
    let line = line.strip_prefix('`').unwrap_or(line);
    line.split(",`").map(|s| s.to_string()).collect()
}

fn err(line: usize, reason: &str) -> GatewayError {
    GatewayError::Statement {
        line,
        reason: reason.to_string(),
    }
}

#[cfg(test)]
#[path = "bill_tests.rs"]
mod tests;
