//! The administrators' reconciliation page (对账).

/// (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("admin.reconciliation", "对账", "Reconciliation"),
    (
        "recon.how",
        "选择日期，将支付渠道当日的对账单与惠民记录的收款、退款逐笔核对。日期按北京时间计。",
        "Pick a day to check the gateway's statement against the payments and refunds Huimin recorded, one by one. Days are in Beijing time.",
    ),
    ("recon.date", "对账日期", "Day"),
    ("recon.provider", "支付渠道", "Gateway"),
    ("recon.run", "开始对账", "Reconcile"),
    ("recon.latest", "本日最近一次对账", "Latest run of the day"),
    ("recon.matched", "相符笔数", "Matched"),
    ("recon.clean", "全部相符", "All matched"),
    ("recon.differs", "存在差异", "Differences found"),
    ("recon.ran", "对账时间", "Run at"),
    ("recon.by", "操作人", "By"),
    (
        "recon.none",
        "这一天还没有对过账。",
        "This day has not been reconciled yet.",
    ),
    ("recon.no_differences", "没有差异。", "No differences."),
    ("recon.kind", "类别", "Kind"),
    ("recon.list", "差异", "Difference"),
    ("recon.order", "商户订单号", "Order"),
    ("recon.refund_no", "退款单号", "Refund"),
    ("recon.gateway", "渠道金额", "Gateway amount"),
    ("recon.huimin", "惠民金额", "Huimin amount"),
    ("recon.payment", "收款", "Payment"),
    ("recon.refund", "退款", "Refund"),
    (
        "recon.missing_in_huimin",
        "渠道有、惠民无",
        "Missing in Huimin",
    ),
    ("recon.extra_in_huimin", "惠民有、渠道无", "Extra in Huimin"),
    ("recon.amount_mismatches", "金额不符", "Amount differs"),
    ("recon.earlier", "本日各次对账", "Runs of the day"),
    (
        "recon.what_next",
        "有差异时请按《运维手册》“对账”一节处理：先核对订单，再联系支付渠道，不要直接改账。",
        "When there are differences, follow the \"Reconciliation\" section of the operations guide: check the orders first, then ask the gateway; never edit the ledger by hand.",
    ),
];
