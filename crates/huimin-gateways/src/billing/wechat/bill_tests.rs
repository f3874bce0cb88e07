use super::*;

// Shaped like WeChat Pay's documented ALL trade bill (see the module comment).
const BILL: &str = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注
`2026-12-06 10:01:02,`wxd678efh567hg6787,`1900009191,`0,`,`4200002345202612060123456789,`HM20261206-0001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`CMB_CREDIT,`CNY,`25.50,`0.00,`0,`0,`0.00,`0.00,`,`,`惠民医院-门诊缴费, 挂号费,`visit=42,`0.15000,`0.60%,`25.50,`0.00,`
`2026-12-06 11:00:20,`wxd678efh567hg6787,`1900009191,`0,`,`4200002345202612060123456790,`HM20261206-0002,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6p,`JSAPI,`SUCCESS,`OTHERS,`CNY,`38.00,`0.00,`0,`0,`0.00,`0.00,`,`,`惠民医院-检验费,`,`0.23000,`0.60%,`38.00,`0.00,`
`2026-12-06 15:20:04,`wxd678efh567hg6787,`1900009191,`0,`,`4200002345202612060123456789,`HM20261206-0001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`REFUND,`CMB_CREDIT,`CNY,`0.00,`0.00,`50000000382019052709732678859,`HMR20261206-0001,`10.00,`0.00,`ORIGINAL,`SUCCESS,`惠民医院-门诊缴费, 挂号费,`visit=42,`-0.06000,`0.60%,`0.00,`10.00,`
总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额
`3,`63.50,`10.00,`0.00,`0.32000,`63.50,`10.00
";

#[test]
fn reads_rows_and_summary_with_commas_inside_fields() {
    let bill = parse_trade_bill(BILL).unwrap();
    assert_eq!(bill.rows.len(), 3);
    let first = &bill.rows[0];
    assert_eq!(first.description, "惠民医院-门诊缴费, 挂号费");
    assert_eq!(first.transaction_id, "4200002345202612060123456789");
    assert_eq!((first.settlement_fen, first.refund_fen), (2550, 0));
    assert_eq!(first.time, "2026-12-06 10:01:02");
    let refund = &bill.rows[2];
    assert_eq!(refund.trade_state, "REFUND");
    assert_eq!((refund.settlement_fen, refund.refund_fen), (0, 1000));
    assert_eq!(refund.out_refund_no, "HMR20261206-0001");
    assert_eq!(
        bill.summary,
        BillSummary {
            count: 3,
            settlement_fen: 6350,
            refund_fen: 1000
        }
    );
}

#[test]
fn a_summary_that_does_not_match_is_refused() {
    for altered in [
        BILL.replace("`3,`63.50", "`4,`63.50"),
        BILL.replace("`63.50,`10.00,`0.00", "`63.49,`10.00,`0.00"),
        BILL.replace("`3,`63.50,`10.00", "`3,`63.50,`10.01"),
    ] {
        assert!(matches!(
            parse_trade_bill(&altered),
            Err(GatewayError::SummaryMismatch(_))
        ));
    }
}

#[test]
fn bad_bills_are_refused_with_the_line() {
    assert!(matches!(
        parse_trade_bill(""),
        Err(GatewayError::Statement { line: 1, .. })
    ));
    let no_summary: String = BILL.lines().take(4).map(|l| format!("{l}\n")).collect();
    assert!(matches!(
        parse_trade_bill(&no_summary),
        Err(GatewayError::Statement { .. })
    ));
    let bad_amount = BILL.replace("`38.00,`0.00,`0,", "`38.x,`0.00,`0,");
    assert!(matches!(
        parse_trade_bill(&bad_amount),
        Err(GatewayError::Statement { line: 3, .. })
    ));
    let bad_state = BILL.replace("`JSAPI,`SUCCESS,`OTHERS", "`JSAPI,`PAID,`OTHERS");
    assert!(matches!(
        parse_trade_bill(&bad_state),
        Err(GatewayError::Statement { line: 3, .. })
    ));
    let no_column = BILL.replacen("微信订单号", "订单号", 1);
    assert!(matches!(
        parse_trade_bill(&no_column),
        Err(GatewayError::Statement { line: 1, .. })
    ));
}
