//! Texts of the order pages: the orders part of the doctor's and the patient's visit pages,
//! and the technicians' worklist.

/// (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("orders.title", "检查检验", "Exams and labs"),
    ("orders.mine", "检查检验进度", "Your exams and labs"),
    (
        "orders.none",
        "本次就诊尚未开检查检验。",
        "Nothing ordered on this visit yet.",
    ),
    ("orders.stalled", "超时未完成", "Overdue"),
    (
        "orders.stalled_some",
        "有检查检验已超过报告时限，请联系检验科或影像科。",
        "Some orders are past their turnaround: check with the lab or imaging.",
    ),
    (
        "orders.stalled_patient",
        "有项目超过预计报告时间，医院已收到提醒；如有疑问请到服务台咨询。",
        "An item is past its expected report time; the hospital is alerted. Ask at the service desk if in doubt.",
    ),
    ("orders.due", "预计报告", "Report expected"),
    ("orders.cancel", "撤销", "Cancel"),
    ("orders.review", "已阅", "Mark reviewed"),
    ("orders.search", "查找项目", "Find items"),
    (
        "orders.search_hint",
        "名称、拼音首字母或代码，如 xcg",
        "Name, pinyin initials or code, e.g. xcg",
    ),
    ("orders.find", "查找", "Find"),
    (
        "orders.nothing_found",
        "没有找到匹配的项目。",
        "No matching items.",
    ),
    (
        "orders.choose",
        "选择要开的项目",
        "Choose the items to order",
    ),
    ("orders.place", "开单", "Order"),
    ("orders.returned", "带结果回诊", "Returned with results"),
    ("orders.waited", "候诊", "waited"),
    ("orders.minutes", "分钟", "min"),
    (
        "orders.return",
        "带结果回诊（免排队）",
        "Back with results (no new queue)",
    ),
    (
        "orders.return_how",
        "患者当日带检查结果回来：回到本医生队列最前面，无需重新挂号。",
        "The patient is back today with results: they return to the head of this doctor's line without booking again.",
    ),
    ("orders.prepare", "检查准备", "Preparation"),
    (
        "orders.pay_first",
        "请先到收费处或在线缴费，缴费后按提示检查或采样。",
        "Pay at the cashier or online first; then go for the exam or sample as directed.",
    ),
    ("orders.lab", "检验与检查工作台", "Lab and imaging worklist"),
    ("orders.category", "类别", "Category"),
    ("orders.status", "状态", "Status"),
    ("orders.all", "全部", "All"),
    ("orders.waiting", "待处理", "Waiting"),
    ("orders.filter", "筛选", "Filter"),
    ("orders.no_work", "没有待处理的项目。", "Nothing waiting."),
    ("nav.lab", "检验检查", "Lab"),
];
