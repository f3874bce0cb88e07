//! Paying on the phone: the appointment's charges and pay buttons, the outcome shown on
//! return from the gateway, and the sandbox gateway's cashier page.

/// (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("charges.title", "费用", "Charges"),
    ("charges.fee", "挂号费", "Registration fee"),
    ("einvoice.title", "电子票据", "Electronic invoice"),
    (
        "einvoice.download",
        "下载电子票据（PDF）",
        "Download the electronic invoice (PDF)",
    ),
    (
        "charges.insured_hint",
        "医保参保患者：统筹基金和个人账户支付的部分自动结算，实付金额以支付页面为准",
        "Insured: the insurance fund and your personal account pay their parts; the payment page shows what is left to pay",
    ),
    (
        "charges.pay_confirms",
        "支付后确认预约",
        "Paying confirms the booking",
    ),
    (
        "charges.pay_now",
        "可在手机上直接缴费：",
        "You can pay on your phone:",
    ),
    (
        "pay.unavailable",
        "支付渠道暂时不可用，请稍后再试或到收费窗口缴费",
        "The payment service is not available now: try again later or pay at the desk",
    ),
    (
        "order.pending",
        "支付结果确认中…",
        "Confirming your payment…",
    ),
    (
        "order.pending_hint",
        "页面会自动更新；也可以",
        "This page updates by itself; or",
    ),
    ("order.refresh", "刷新", "refresh"),
    ("order.paid", "支付成功", "Payment received"),
    (
        "order.unpaid",
        "支付未完成，可重新支付",
        "Payment not completed: you can pay again",
    ),
    (
        "order.unpaid_hint",
        "未扣款。请在下方重新选择支付方式。",
        "Nothing was taken. Choose a payment method below to try again.",
    ),
    (
        "order.returned",
        "该笔款项将原路退回",
        "This payment goes back to where it came from",
    ),
    (
        "order.returned_hint",
        "款项到账时号源已释放，费用将按原支付方式退回，无需操作。",
        "The money arrived after the place had been released: it is refunded to the same account, nothing to do.",
    ),
    ("sandbox.title", "收银台", "Checkout"),
    (
        "sandbox.banner",
        "沙箱支付（演示，不会扣款）",
        "Sandbox payment (demo: no money is taken)",
    ),
    ("sandbox.merchant_label", "收款方", "Payee"),
    ("sandbox.merchant", "惠民医院", "Huimin Hospital"),
    ("sandbox.order", "订单号", "Order"),
    ("sandbox.state", "状态", "State"),
    ("sandbox.state.notpay", "待支付", "Awaiting payment"),
    ("sandbox.state.success", "已支付", "Paid"),
    ("sandbox.state.payerror", "支付失败", "Payment failed"),
    ("sandbox.state.closed", "已关闭", "Closed"),
    ("sandbox.pay", "确认支付", "Pay now"),
    ("sandbox.fail", "模拟支付失败", "Simulate a failed payment"),
    ("sandbox.options", "测试选项", "Test options"),
    (
        "sandbox.delay",
        "支付通知延迟",
        "Delay before the payment notice",
    ),
    ("sandbox.seconds", "秒", "s"),
    ("sandbox.notices", "通知次数", "Number of notices"),
    (
        "sandbox.options_hint",
        "用于测试医院处理迟到与重复通知。",
        "For testing how the hospital handles late and repeated notices.",
    ),
    (
        "sandbox.settled",
        "该订单已处理：",
        "This order is settled: ",
    ),
    ("sandbox.back", "返回医院页面", "Back to the hospital"),
    (
        "sandbox.bad_choice",
        "请选择页面提供的测试选项",
        "Choose one of the test options offered",
    ),
    (
        "sandbox.refused",
        "该订单已不能支付",
        "This order can no longer be paid",
    ),
];
