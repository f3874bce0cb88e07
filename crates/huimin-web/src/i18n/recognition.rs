//! Texts of mutual recognition 结果互认: the administrators' settings and report, the offered
//! results on the doctor's order form, and what the patient reads about a reused result or a
//! test done again.

/// (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("admin.recognition", "结果互认", "Result recognition"),
    (
        "recognition.how",
        "设置每个检查检验项目是否互认、需要的互认范围和结果有效期；下方统计因互认而免做的检查及节省的费用。",
        "Set for each item whether it is recognised, the recognition scope a result needs and how long a result stays valid; below, the tests avoided and the money saved.",
    ),
    ("recognition.items", "项目设置", "Item settings"),
    (
        "recognition.no_items",
        "目录中没有项目。",
        "The catalogue has no items.",
    ),
    ("recognition.overridden", "已调整", "Changed"),
    ("recognition.recognised", "互认", "Recognised"),
    ("recognition.on", "互认", "recognised"),
    ("recognition.off", "不互认", "not recognised"),
    ("recognition.scope", "互认范围", "Recognition scope"),
    ("recognition.window", "有效期（天）", "Validity (days)"),
    ("recognition.days", "天", "days"),
    ("recognition.default", "默认", "Default"),
    ("recognition.save", "保存", "Save"),
    ("recognition.report", "免做检查统计", "Tests avoided"),
    ("recognition.from", "开始日期", "From"),
    ("recognition.to", "结束日期", "To"),
    ("recognition.show", "查看", "Show"),
    (
        "recognition.none_avoided",
        "这段时间没有因互认而免做的检查。",
        "No tests were avoided by recognition in this period.",
    ),
    ("recognition.item", "项目", "Item"),
    ("recognition.department", "科室", "Department"),
    ("recognition.count", "次数", "Tests"),
    ("recognition.value", "节省费用", "Value"),
    ("recognition.total", "合计", "Total"),
    ("recognition.offered", "可互认的结果", "Recognised results"),
    (
        "recognition.offered_how",
        "患者已有以下结果在有效期和互认范围内：可直接采用（不再开单、不收费），或选择复查理由后重新检查。",
        "The patient already has these results inside their validity and scope: reuse one (no order, no charge), or pick a reason and test again.",
    ),
    ("recognition.this_hospital", "本院", "This hospital"),
    ("recognition.issued", "出具", "issued"),
    ("recognition.reuse", "采用此结果", "Reuse this result"),
    ("recognition.retest", "复查", "Test again"),
    ("recognition.reason", "复查理由", "Reason to test again"),
    ("recognition.detail", "说明（可选）", "Details (optional)"),
    (
        "recognition.decided",
        "互认与复查",
        "Recognised and repeated tests",
    ),
    (
        "recognition.reused",
        "已互认，未重复检查",
        "Recognised: not repeated",
    ),
    ("recognition.retested", "重新检查", "Tested again"),
    ("recognition.from_where", "来自", "from"),
    ("recognition.why", "原因", "Why"),
];
