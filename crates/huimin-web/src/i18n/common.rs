//! The frame of every page: the name, the navigation, forms and errors.

/// (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("app.name", "惠民 · 预约挂号", "Huimin · Appointments"),
    ("app.service", "预约挂号", "Appointments"),
    (
        "app.footer",
        "惠民 — 线上线下一体化医疗服务。请携带身份证件就诊。",
        "Huimin — medical services online and on site. Bring your ID to your visit.",
    ),
    ("nav.skip", "跳到正文", "Skip to content"),
    ("nav.label", "主导航", "Main navigation"),
    ("nav.mine", "我的预约", "My appointments"),
    ("nav.family", "就诊人", "Family members"),
    ("nav.workbench", "工作台", "Workbench"),
    ("nav.login", "登录", "Sign in"),
    ("nav.desk", "挂号窗口", "Registration desk"),
    ("nav.triage", "分诊台", "Triage desk"),
    ("nav.admin", "管理", "Administration"),
    ("nav.logout", "退出", "Sign out"),
    ("nav.large", "大字模式", "Large text"),
    ("nav.large_on", "✓ 大字模式已开启", "✓ Large text on"),
    ("common.back", "返回", "Back"),
    (
        "form.fix",
        "请按提示修改后再提交。",
        "Please correct the fields below and submit again.",
    ),
    ("error.not_found", "页面不存在", "Page not found"),
    (
        "error.not_found_text",
        "您要找的内容不存在或已被移除。",
        "What you are looking for does not exist or was removed.",
    ),
];
