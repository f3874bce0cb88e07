use super::*;

// Shaped like Alipay's documented 业务明细 file (see the module comment), fields tab-padded.
const STATEMENT: &str = "#支付宝业务明细查询
#账号：[20881011179556110156]
#起始日期：[2026年12月06日 00:00:00]   终止日期：[2026年12月07日 00:00:00]
#-----------------------------------------业务明细列表----------------------------------------
支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注
2026120622001453031400000001\t,HM20261206-0001\t,交易,\"惠民医院-门诊缴费, 挂号费\",2026-12-06 10:00:30,2026-12-06 10:01:02,,,,,159****5620,25.50,25.50,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.15,0.00,
2026120622001453031400000002\t,HM20261206-0002\t,交易,惠民医院-检验费,2026-12-06 11:00:00,2026-12-06 11:00:20,,,,,138****0001,38.00,38.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.23,0.00,
2026120622001453031400000001\t,HM20261206-0001\t,退款,惠民医院-门诊缴费,2026-12-06 10:00:30,2026-12-06 15:20:04,,,,,159****5620,25.50,-10.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,HMR20261206-0001\t,0.06,0.00,
#-----------------------------------------业务明细列表结束------------------------------------
#交易合计：2笔，商家实收共：63.50元，商家优惠共：0.00元
#退款合计：1笔，商家实收退款共：-10.00元，商家优惠退款共：0.00元
#导出时间：[2026年12月07日 09:00:05]
";

#[test]
fn reads_rows_and_totals() {
    let s = parse_statement(STATEMENT).unwrap();
    assert_eq!(s.rows.len(), 3);
    assert_eq!(s.rows[0].subject, "惠民医院-门诊缴费, 挂号费");
    assert_eq!(s.rows[0].trade_no, "2026120622001453031400000001");
    assert_eq!(s.rows[0].received_fen, 2550);
    assert!(s.rows[2].is_refund);
    assert_eq!(s.rows[2].received_fen, -1000);
    assert_eq!(s.rows[2].order_fen, 2550);
    assert_eq!(s.rows[2].out_request_no, "HMR20261206-0001");
    assert_eq!(
        s.totals,
        StatementTotals {
            trade_count: 2,
            trade_received_fen: 6350,
            refund_count: 1,
            refund_received_fen: -1000
        }
    );
}

#[test]
fn totals_that_do_not_match_the_rows_are_refused() {
    let altered = STATEMENT.replace("商家实收共：63.50元", "商家实收共：63.51元");
    assert!(matches!(
        parse_statement(&altered),
        Err(GatewayError::SummaryMismatch(_))
    ));
    let truncated: String = STATEMENT
        .lines()
        .filter(|l| !l.contains("HM20261206-0002"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(matches!(
        parse_statement(&truncated),
        Err(GatewayError::SummaryMismatch(_))
    ));
}

#[test]
fn bad_rows_name_their_line() {
    let bad_amount = STATEMENT.replace(",38.00,38.00,", ",38.00,38.0x,");
    assert!(matches!(
        parse_statement(&bad_amount),
        Err(GatewayError::Statement { line: 7, .. })
    ));
    let bad_kind = STATEMENT.replace(",交易,惠民医院-检验费", ",转账,惠民医院-检验费");
    assert!(matches!(
        parse_statement(&bad_kind),
        Err(GatewayError::Statement { line: 7, .. })
    ));
    let short = STATEMENT.replace(",-0.23,0.00,\n", "\n");
    assert!(matches!(
        parse_statement(&short),
        Err(GatewayError::Statement { line: 7, .. })
    ));
    let no_totals: String = STATEMENT
        .lines()
        .filter(|l| !l.starts_with("#退款合计"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(matches!(
        parse_statement(&no_totals),
        Err(GatewayError::Statement { .. })
    ));
    assert!(parse_statement("").is_err());
    assert!(parse_statement("a,\"b\n").is_err());
}
