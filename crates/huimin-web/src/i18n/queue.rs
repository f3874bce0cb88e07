//! Texts of queue calling and check-in: the call screen and its tokens, the page the
//! waiting-area QR code opens, the waiting panel's notices, the check-in scanner, the
//! desk's 退号 confirmation, and booking refusals in staff's words.

pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("screen.voice_off", "开启语音", "Turn on voice"),
    (
        "screen.voice_on",
        "✓ 语音已开启（点按关闭）",
        "✓ Voice on (tap to turn off)",
    ),
    ("screen.voice_check", "语音叫号已开启", "语音叫号已开启"),
    ("screen.in_room", "就诊：", "In the room:"),
    ("screen.next", "候诊", "Next"),
    ("screen.waiting_total", "共", "waiting:"),
    ("screen.nobody_waiting", "暂无候诊", "Nobody waiting"),
    (
        "screen.refused",
        "签到二维码不可用：本屏幕的凭证无效或已撤销，请联系管理员。",
        "No check-in code: this screen's token is not valid or was revoked; ask an administrator.",
    ),
    ("here.title", "扫码签到", "Check in"),
    (
        "here.sign_in_first",
        "您已在候诊区扫码。请先登录，登录后在这里一键签到。",
        "You scanned the waiting-area code. Sign in, then check in here with one tap.",
    ),
    (
        "here.patients_only",
        "此页面供患者在手机上签到使用。",
        "This page is for patients checking in on their phones.",
    ),
    (
        "here.none_today",
        "您和您的就诊人今天在本科室没有预约。",
        "You and your family members have no booking in this department today.",
    ),
    (
        "here.choose",
        "确认是本人（或就诊人）的预约后，点“确认签到”。",
        "Check it is the right booking, then tap Confirm check-in.",
    ),
    ("here.confirm", "确认签到", "Confirm check-in"),
    ("here.open", "查看候诊", "See your place"),
    ("wait.called_end", "就诊", "now"),
    (
        "wait.called_no_room",
        "分诊台，护士会带您到诊室",
        "the triage desk; the nurse will take you to the room",
    ),
    (
        "wait.passed",
        "您已过号：叫号时您不在诊室。已为您重新排队，请留在候诊区留意叫号；有疑问请到分诊台。",
        "Your turn was passed: you were not there when called. You are back in the line; stay in the waiting area and listen for your number, or ask at the triage desk.",
    ),
    ("staff.age", "{n}岁", "{n} y"),
    (
        "staff.refusal.quota-session",
        "该患者今日本时段已在本科室预约 1 次，不能再挂号或加号。",
        "This patient already has a booking in this department for this day and period; no other place can be added.",
    ),
    (
        "staff.refusal.quota-week",
        "该患者本周预约次数已达上限。",
        "This patient has reached the weekly booking limit.",
    ),
    (
        "staff.refusal.quota-month",
        "该患者本月预约次数已达上限。",
        "This patient has reached the monthly booking limit.",
    ),
    (
        "staff.refusal.quota-quarter",
        "该患者本季度预约次数已达上限。",
        "This patient has reached the quarterly booking limit.",
    ),
    (
        "staff.refusal.banned",
        "该患者因多次爽约被暂停预约，暂不能为其挂号。",
        "This patient's bookings are suspended after missed appointments.",
    ),
    (
        "staff.refusal.identity-not-verified",
        "该患者尚未完成实名认证，请先在挂号窗口核验证件。",
        "This patient's identity is not verified; check their ID at the registration desk first.",
    ),
    (
        "staff.refusal.hold-open",
        "该患者在本时段已有一个待确认的预约，请先处理该预约。",
        "This patient already has a booking awaiting confirmation in this session; deal with it first.",
    ),
    (
        "staff.refusal.check-in-unpaid",
        "该预约尚未缴费：本院要求先缴费后签到，请先收取挂号费。",
        "This visit is not paid: the hospital requires payment before check-in; take the fee first.",
    ),
    (
        "staff.refusal.check-in-not-on-site",
        "患者须在院内扫描候诊区二维码后才能自助签到。",
        "The patient can check in on a phone only after scanning the waiting-area code.",
    ),
    ("desk.cancel.title", "确认退号", "Confirm cancellation"),
    (
        "desk.cancel.ask",
        "确定为以下患者退号吗？退号后号源释放给其他患者，不能撤销。",
        "Cancel this visit? The place goes back to other patients; this cannot be undone.",
    ),
    (
        "desk.cancel.refund",
        "已缴 {amount}，退号后按原支付方式退回。",
        "{amount} paid will be refunded the way it was paid.",
    ),
    (
        "desk.cancel.nothing_paid",
        "该预约未缴费，无需退费。",
        "Nothing was paid; there is nothing to refund.",
    ),
    ("desk.cancel.yes", "确认退号", "Yes, cancel and refund"),
    ("desk.cancel.no", "返回，不退号", "Back, keep the visit"),
    (
        "checkin.show_sessions",
        "显示今日出诊",
        "Show today's sessions",
    ),
    (
        "checkin.session",
        "医生和时段（按就诊序号签到时选择）",
        "Doctor and time (for a queue number)",
    ),
    (
        "checkin.session_none",
        "— 扫描二维码时不必选择 —",
        "— not needed for a QR code —",
    ),
    (
        "checkin.need_session",
        "按就诊序号签到时，请先选择票面上的医生和时段。",
        "To check in by queue number, choose the doctor and time on the ticket first.",
    ),
    ("admin.screens", "叫号屏", "Call screens"),
    (
        "admin.screens.how",
        "为每块候诊区叫号屏发放一个屏幕凭证：在屏幕的浏览器中打开发放后显示的地址（建议设为开机主页），屏幕即可显示本科室的签到二维码，无需员工登录。凭证只显示一次；屏幕丢失或更换时请撤销。",
        "Issue a screen token for each waiting-area screen: open the address shown once issued in the screen's browser (make it the start page), and the screen shows the department's check-in code without anyone signed in. The token is shown only once; revoke it when a screen is lost or replaced.",
    ),
    (
        "admin.screens.issued",
        "已发放。请在叫号屏的浏览器中打开以下地址（只显示这一次）：",
        "Issued. Open this address in the call screen's browser (it is shown only this once):",
    ),
    (
        "admin.screens.issued_list",
        "已发放的屏幕",
        "Screens issued",
    ),
    (
        "admin.screens.none",
        "尚未发放屏幕凭证。",
        "No screen tokens issued yet.",
    ),
    ("admin.screens.by", "发放人", "Issued by"),
    ("admin.screens.revoked", "已撤销于", "Revoked"),
    ("admin.screens.revoke", "撤销", "Revoke"),
    (
        "admin.screens.issue",
        "发放屏幕凭证",
        "Issue a screen token",
    ),
    ("admin.screens.label", "屏幕位置", "Where the screen is"),
    (
        "admin.screens.label_hint",
        "如：门诊二楼候诊区",
        "e.g. Clinic 2nd floor waiting area",
    ),
];
