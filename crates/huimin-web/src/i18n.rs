//! The pages' words in Chinese and English. Data from the API (department names, rule
//! messages) arrives already in the visitor's language; this is only the pages' own text.
//! A test checks that every key the templates and handlers use is here.

use std::collections::HashMap;
use std::sync::OnceLock;

use huimin_domain::i18n::Lang;

/// (key, 中文, English).
const MESSAGES: &[(&str, &str, &str)] = &[
    (
        "app.name",
        "惠民医院 · 预约挂号",
        "Huimin Hospital · Appointments",
    ),
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
    ("login.title", "登录", "Sign in"),
    (
        "login.username",
        "手机号（工作人员填工号）",
        "Mobile number (staff: user name)",
    ),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Sign in"),
    ("login.no_account", "还没有账号？", "No account yet?"),
    ("signup.title", "注册", "Sign up"),
    (
        "signup.why",
        "按国家要求实名预约：请填写本人真实姓名和身份证号，用于就诊建档，不会公开。",
        "Bookings are in your real name, as national rules require: your name and ID number open your medical record and are never shown to others.",
    ),
    ("signup.name", "姓名", "Full name"),
    ("signup.resident_id", "身份证号", "Resident ID number"),
    ("signup.phone", "手机号", "Mobile number"),
    (
        "signup.password",
        "设置密码（至少 8 位，含字母和数字）",
        "Choose a password (8 or more characters, with a letter and a digit)",
    ),
    ("signup.submit", "注册并登录", "Sign up and sign in"),
    (
        "signup.have_account",
        "已有账号？",
        "Already have an account?",
    ),
    ("family.title", "就诊人", "Family members"),
    (
        "family.why",
        "可为家人（最多 5 位）实名预约，每位就诊人都须填写真实身份信息。",
        "You may book for up to 5 family members; each needs their real name and ID number.",
    ),
    ("family.self", "本人", "You"),
    ("family.add", "添加就诊人", "Add a family member"),
    ("family.phone", "手机号（选填）", "Mobile number (optional)"),
    ("family.submit", "添加", "Add"),
    ("family.added", "已添加就诊人。", "Family member added."),
    ("home.title", "科室", "Departments"),
    ("home.search", "搜索科室", "Search departments"),
    ("home.search_button", "搜索", "Search"),
    ("home.none", "没有找到相关科室。", "No department matches."),
    ("home.other", "专科门诊", "Specialist clinics"),
    (
        "department.none",
        "该科室暂无出诊医生。",
        "No doctors hold clinics in this department.",
    ),
    ("doctor.fee", "挂号费", "Fee"),
    ("doctor.specialties", "擅长", "Specialties"),
    ("doctor.next_free", "最近可约：", "Next free:"),
    ("doctor.no_places", "近期无可约号源", "No free places soon"),
    ("doctor.sessions", "出诊安排", "Clinic sessions"),
    (
        "doctor.no_sessions",
        "近期暂无出诊安排。",
        "No sessions in the booking window.",
    ),
    ("doctor.opens", "放号时间", "Opens"),
    ("doctor.left", "余号", "Left"),
    ("doctor.full", "约满", "Full"),
    (
        "doctor.full_hint",
        "本时段已约满，可登记候补，有人退号时按顺序为您预约。",
        "This session is full. Join the waitlist and you will be booked in turn when a place frees.",
    ),
    ("book.title", "确认预约", "Confirm booking"),
    ("book.when", "就诊时间", "Time"),
    ("book.doctor", "医生", "Doctor"),
    ("book.department", "科室", "Department"),
    ("book.room", "诊室", "Room"),
    ("book.fee", "挂号费", "Fee"),
    ("book.patient", "就诊人", "Patient"),
    ("book.free", "免费", "Free"),
    ("book.for_whom", "为谁预约", "Who is the appointment for?"),
    (
        "book.no_patients",
        "请先添加就诊人。",
        "Add a patient first.",
    ),
    (
        "book.choose_patient",
        "请选择就诊人。",
        "Choose who the appointment is for.",
    ),
    ("book.hold", "锁定号源", "Hold this place"),
    (
        "book.hold_hint",
        "提交后为您保留号源 15 分钟，请在此期间确认；挂号费到院在窗口缴纳。",
        "The place is held for you for 15 minutes; confirm it in that time. The fee is paid at the desk.",
    ),
    ("book.submit", "确认预约", "Book"),
    (
        "book.free_hint",
        "本号源免费，提交即预约成功。",
        "This place is free; submitting books it.",
    ),
    ("waitlist.offer", "登记候补", "Join the waitlist"),
    (
        "waitlist.explain",
        "号源已满。登记候补后，一旦有人退号，系统按登记顺序为您预约并通知您。",
        "The slot is full. On the waitlist you are booked in turn when a place frees, and told.",
    ),
    ("waitlist.join", "登记候补", "Join the waitlist"),
    ("waitlist.joined", "已登记候补", "You are on the waitlist"),
    (
        "waitlist.joined_text",
        "有号源时将按顺序为您预约，结果可在“我的预约”中查看。",
        "When a place frees you are booked in turn; see My appointments.",
    ),
    (
        "waitlist.failed",
        "未能登记候补",
        "Could not join the waitlist",
    ),
    ("waitlist.status.waitlist", "候补中", "Waiting"),
    (
        "waitlist.status.booked",
        "候补成功",
        "Booked from the waitlist",
    ),
    (
        "waitlist.status.pending",
        "有号待确认",
        "A place is held for you",
    ),
    ("waitlist.status.cancelled", "已结束", "Ended"),
    ("mine.title", "我的预约", "My appointments"),
    ("mine.upcoming", "待就诊", "Upcoming"),
    ("mine.past", "历史预约", "Past"),
    (
        "mine.none",
        "暂无待就诊的预约。",
        "No upcoming appointments.",
    ),
    ("mine.no_past", "暂无历史预约。", "No past appointments."),
    ("mine.book_now", "去预约", "Book one"),
    ("mine.waitlist", "候补", "Waitlist"),
    ("mine.open", "查看", "Open"),
    ("appointment.title", "预约详情", "Appointment"),
    ("appointment.number", "就诊序号", "Queue number"),
    (
        "appointment.qr",
        "到院签到请出示此码",
        "Show this code to check in at the hospital",
    ),
    ("appointment.hold_until", "号源保留至", "Held until"),
    (
        "appointment.pay_at_desk",
        "确认后预约成功，挂号费到院后在挂号窗口缴纳。",
        "Confirming books the place; pay the fee at the registration desk when you arrive.",
    ),
    ("appointment.confirm", "确认预约", "Confirm booking"),
    (
        "appointment.check_in_hint",
        "就诊当天到院后（号源开始前 1 小时起）可在手机上签到，签到后进入候诊队列。",
        "On the day, once at the hospital (from an hour before your time), check in here to join the queue.",
    ),
    ("appointment.check_in", "到院签到", "Check in"),
    (
        "appointment.checked_in",
        "已签到，请在候诊区等候叫号。",
        "Checked in. Please wait in the waiting area to be called.",
    ),
    ("appointment.cancel", "取消预约", "Cancel appointment"),
    (
        "appointment.cancel_hint",
        "就诊前 12 小时后不能在线取消；已缴挂号费将原路退回。",
        "Appointments cannot be cancelled online within 12 hours of the visit; a fee paid is refunded.",
    ),
    ("appointment.cancel_confirm", "确认取消", "Yes, cancel it"),
    ("wait.title", "候诊", "Waiting"),
    (
        "wait.called",
        "轮到您了，请立即到诊室就诊：",
        "It is your turn. Please go to the room now:",
    ),
    ("wait.ahead", "前面还有", "Ahead of you:"),
    ("wait.people", "人", "people"),
    ("wait.eta", "预计等待", "Estimated wait:"),
    ("wait.minutes", "分钟", "minutes"),
    (
        "wait.get_ready",
        "快到您了，请到诊室门口准备。",
        "Nearly your turn: please wait by the room.",
    ),
    ("wait.serving", "正在就诊：", "Now seeing number:"),
    ("staff.today", "今日出诊", "Today's sessions"),
    ("admin.title", "管理", "Administration"),
    ("admin.sessions", "出诊与停诊", "Sessions and stop-clinic"),
    ("admin.rosters", "排班模板", "Roster templates"),
    ("admin.doctors", "科室医生", "Department doctors"),
    ("admin.day", "当日出诊", "Sessions that day"),
    (
        "admin.no_sessions",
        "该科室当天没有出诊。",
        "No sessions in this department that day.",
    ),
    ("admin.booked", "已约", "Booked"),
    ("admin.stop", "停诊", "Stop clinic"),
    ("admin.move_to", "将患者改约到", "Move the patients to"),
    (
        "admin.move_none",
        "不改约，全部取消并退费",
        "Nowhere: cancel and refund all",
    ),
    (
        "admin.confirm_stop",
        "确认停诊：已约患者将被取消（或改约）并收到通知。",
        "Confirm: booked patients are cancelled (or moved) and told.",
    ),
    ("admin.open", "开设出诊", "Open a session"),
    ("admin.doctor", "医生", "Doctor"),
    ("admin.period", "时段", "Period"),
    ("admin.period.morning", "上午", "Morning"),
    ("admin.period.afternoon", "下午", "Afternoon"),
    ("admin.period.evening", "夜间", "Evening"),
    ("admin.start", "开始时间（选填）", "Start (optional)"),
    ("admin.end", "结束时间（选填）", "End (optional)"),
    ("admin.capacity", "号源数", "Places"),
    (
        "admin.slot_minutes",
        "每个时段分钟数（选填）",
        "Minutes per slot (optional)",
    ),
    ("admin.minutes", "分钟/时段", "min per slot"),
    (
        "admin.whole_number",
        "请输入整数。",
        "Enter a whole number.",
    ),
    ("admin.templates", "模板", "Templates"),
    (
        "admin.no_templates",
        "该科室还没有排班模板。",
        "No roster templates in this department yet.",
    ),
    ("admin.retire", "停用", "Retire"),
    ("admin.add_template", "添加模板", "Add a template"),
    ("admin.weekday", "星期", "Weekday"),
    ("admin.weekday.1", "周一", "Monday"),
    ("admin.weekday.2", "周二", "Tuesday"),
    ("admin.weekday.3", "周三", "Wednesday"),
    ("admin.weekday.4", "周四", "Thursday"),
    ("admin.weekday.5", "周五", "Friday"),
    ("admin.weekday.6", "周六", "Saturday"),
    ("admin.weekday.7", "周日", "Sunday"),
    (
        "admin.publish",
        "按模板发布出诊",
        "Publish sessions from the templates",
    ),
    (
        "admin.publish_hint",
        "全院所有模板，在法定工作日生成出诊；已有的不会重复。",
        "All the hospital's templates, on working days only; existing sessions are not duplicated.",
    ),
    ("admin.from", "从", "From"),
    ("admin.to", "到", "To"),
    ("admin.done.opened", "已开设出诊。", "Session opened."),
    (
        "admin.done.suspended",
        "已停诊，患者已收到通知。",
        "Clinic stopped; the patients have been told.",
    ),
    (
        "admin.done.roster-added",
        "已添加排班模板。",
        "Template added.",
    ),
    (
        "admin.done.roster-retired",
        "已停用该模板，已发布的出诊保留。",
        "Template retired; sessions already published stay.",
    ),
    (
        "admin.done.generated",
        "已生成 {created} 个出诊，{skipped} 个已存在。",
        "{created} sessions published, {skipped} already existed.",
    ),
    ("admin.done.doctor-added", "已添加医生。", "Doctor added."),
    (
        "admin.no_doctors",
        "该科室还没有医生。",
        "No doctors in this department yet.",
    ),
    ("admin.add_doctor", "添加医生", "Add a doctor"),
    ("admin.departments", "科室", "Departments"),
    (
        "admin.no_departments",
        "还没有科室。",
        "No departments yet.",
    ),
    ("admin.add_department", "添加科室", "Add a department"),
    (
        "admin.department_name",
        "科室名称",
        "Department name (Chinese)",
    ),
    (
        "admin.department_english",
        "英文名称（选填）",
        "English name (optional)",
    ),
    (
        "admin.department_code",
        "诊疗科目代码（如 03.04）",
        "National department code (e.g. 03.04)",
    ),
    (
        "admin.done.department-added",
        "已添加科室。",
        "Department added.",
    ),
    ("admin.title_label", "职称", "Title"),
    ("admin.class", "号别", "Registration class"),
    ("admin.fee", "挂号费（元）", "Registration fee (yuan)"),
    ("admin.room", "诊室", "Room"),
    (
        "admin.fee_format",
        "请输入不小于 0、最多两位小数的金额。",
        "Enter an amount of at least 0 with at most two decimals.",
    ),
    ("admin.rules", "号源规则", "Booking rules"),
    ("admin.whole_hospital", "全院", "Whole hospital"),
    ("admin.show", "查看", "Show"),
    (
        "admin.rules_hospital_hint",
        "全院的号源规则。科室可单独设置放号、号池、取消、签到、候补与叫号规则。",
        "The hospital's booking rules. A department may set its own release, pools, cancellation, check-in, waitlist and calling rules.",
    ),
    (
        "admin.rules_department_hint",
        "科室规则：与全院不同的项保存为科室设置，其余沿用全院规则。",
        "Department rules: values that differ from the hospital's are kept as the department's own; the rest follow the hospital.",
    ),
    (
        "admin.saved",
        "已保存，各服务器 2 秒内生效。",
        "Saved; every server applies it within 2 seconds.",
    ),
    ("admin.save", "保存", "Save"),
    (
        "admin.reset",
        "恢复为全院规则",
        "Follow the hospital's rules",
    ),
    ("admin.own", "科室设置", "Department's own"),
    (
        "admin.not_a_value",
        "格式不正确。",
        "This does not read as a value of this kind.",
    ),
    ("rules.slot_minutes", "每个时段分钟数", "Minutes per slot"),
    ("rules.release", "放号", "Release"),
    (
        "rules.release.release_time",
        "每日放号时间",
        "Daily release time",
    ),
    (
        "rules.release.window_days",
        "可预约天数",
        "Days bookable ahead",
    ),
    (
        "rules.pools",
        "号池比例（%，合计 100）",
        "Pools (%, adding up to 100)",
    ),
    ("rules.pools.online", "线上", "Online"),
    ("rules.pools.window", "窗口", "Window"),
    ("rules.pools.elderly", "老年人", "Elderly"),
    (
        "rules.pools.referral",
        "家庭医生转诊",
        "Family-doctor referral",
    ),
    (
        "rules.reserved_release",
        "预留号释放",
        "Reserved places released",
    ),
    (
        "rules.reserved_release.hours_before",
        "就诊前小时数",
        "Hours before the session",
    ),
    ("rules.hold", "锁号", "Holds"),
    ("rules.hold.minutes", "锁号分钟数", "Minutes a hold lasts"),
    ("rules.quota", "限号", "Quotas"),
    (
        "rules.quota.per_session_department",
        "同科室同时段",
        "Per department and session",
    ),
    ("rules.quota.per_week", "每周", "Per week"),
    ("rules.quota.per_month", "每月", "Per month"),
    ("rules.quota.per_quarter", "每季度", "Per quarter"),
    ("rules.bans", "爽约限制", "No-show bans"),
    (
        "rules.bans.steps",
        "爽约次数:限制天数，逗号分隔（如 3:90, 6:180）",
        "No-shows:days banned, comma separated (e.g. 3:90, 6:180)",
    ),
    ("rules.cancellation", "取消", "Cancellation"),
    (
        "rules.cancellation.hours_before",
        "就诊前多少小时停止自助取消",
        "Self-service cancellation ends hours before",
    ),
    ("rules.check_in", "签到", "Check-in"),
    (
        "rules.check_in.opens_minutes_before",
        "就诊前多少分钟可签到",
        "Check-in opens minutes before",
    ),
    (
        "rules.check_in.on_site_proof",
        "手机签到须扫描候诊区二维码（证明到院）",
        "Phone check-in needs the waiting-area QR code (proof of being on site)",
    ),
    ("admin.yes", "是", "Yes"),
    ("admin.no", "否", "No"),
    ("rules.elderly", "老年人", "Elderly"),
    ("rules.elderly.age", "年龄（岁及以上）", "Age (and over)"),
    ("rules.waitlist", "候补", "Waitlist"),
    ("rules.waitlist.mode", "候补方式", "Waitlist mode"),
    ("rules.waitlist.mode.book", "自动预约", "Book automatically"),
    (
        "rules.waitlist.mode.offer",
        "保留号源待确认",
        "Hold the place for confirmation",
    ),
    (
        "rules.waitlist.offer_minutes",
        "保留分钟数",
        "Minutes the place is held",
    ),
    ("rules.calling", "叫号", "Queue calling"),
    (
        "rules.calling.pass_rejoin_after",
        "过号后排在几人之后",
        "A passed patient rejoins after",
    ),
    (
        "rules.calling.get_ready_when_ahead",
        "前面还有几人时提醒准备",
        "Get-ready notice when this many are ahead",
    ),
    ("desk.title", "挂号窗口", "Registration desk"),
    ("triage.title", "分诊台", "Triage desk"),
    ("triage.pick", "选择科室", "Choose a department"),
    ("triage.screen", "叫号屏", "Call screen"),
    (
        "triage.no_sessions",
        "该科室今天没有出诊。",
        "No sessions in this department today.",
    ),
    ("triage.suspended", "已停诊", "Suspended"),
    ("triage.prioritise", "设为优先", "Give priority"),
    ("triage.unprioritise", "取消优先", "Remove priority"),
    ("triage.move_to", "改派到", "Move to"),
    ("triage.group", "优先类别", "Priority group"),
    (
        "rules.calling.priority_groups.elderly",
        "老年人优先",
        "Elderly called ahead",
    ),
    (
        "rules.calling.priority_groups.disabled",
        "残疾人优先",
        "Disabled patients called ahead",
    ),
    (
        "rules.calling.priority_groups.military",
        "军人优先",
        "Military called ahead",
    ),
    (
        "rules.calling.elderly_first_at_check_in",
        "老年人签到时自动优先",
        "The elderly get priority as they check in",
    ),
    ("triage.move", "改派", "Move"),
    ("triage.expected", "待签到", "Expected, not arrived"),
    (
        "triage.nobody_expected",
        "没有待签到的患者。",
        "Nobody else is expected.",
    ),
    ("checkin.title", "扫码签到", "Scan to check in"),
    ("here.title", "已确认到院", "You are at the hospital"),
    (
        "here.text",
        "已确认您在候诊区。请在 20 分钟内打开“我的预约”中的预约，点“到院签到”。",
        "You are confirmed in the waiting area. Within 20 minutes, open your booking in My appointments and tap Check in.",
    ),
    (
        "screen.scan",
        "手机扫码签到",
        "Scan to check in on your phone",
    ),
    (
        "checkin.how",
        "用扫码枪扫描患者手机上预约详情页的二维码，或输入预约号。",
        "Scan the QR code on the patient's booking with the scanner, or type the booking number.",
    ),
    (
        "checkin.code",
        "二维码内容或预约号",
        "QR code or booking number",
    ),
    ("checkin.submit", "签到", "Check in"),
    ("checkin.done", "已签到", "checked in"),
    (
        "checkin.unreadable",
        "无法识别该二维码，请让患者打开“我的预约”中的预约详情重新扫码。",
        "This code cannot be read; ask the patient to open the booking in My appointments and scan again.",
    ),
    ("desk.find", "查找患者", "Find a patient"),
    (
        "desk.find_hint",
        "身份证号、手机号或姓名",
        "ID number, mobile number or name",
    ),
    ("desk.search", "查找", "Search"),
    (
        "desk.no_match",
        "没有找到该患者，可在右侧为其建档。",
        "No patient found; register them with the form.",
    ),
    ("desk.walk_in", "现场建档", "Register a walk-in"),
    ("desk.document_type", "证件类型", "Identity document"),
    ("desk.document_number", "证件号码", "Document number"),
    (
        "desk.not_resident_id",
        "非居民身份证：性别与出生日期",
        "Not a resident ID card: sex and date of birth",
    ),
    ("desk.gender", "性别", "Sex"),
    ("desk.male", "男", "Male"),
    ("desk.female", "女", "Female"),
    ("desk.birth_date", "出生日期", "Date of birth"),
    ("desk.register", "建档", "Register"),
    ("desk.required", "请填写此项。", "Please fill this in."),
    ("desk.patient", "患者", "Patient"),
    ("desk.visits", "预约与挂号", "Appointments"),
    ("desk.no_visits", "暂无预约。", "No appointments yet."),
    ("desk.number", "序号", "No."),
    ("desk.method", "支付方式", "Payment method"),
    ("desk.take_fee", "收费", "Take the fee"),
    ("desk.cancel", "退号", "Cancel and refund"),
    ("desk.book", "挂号", "Book"),
    ("desk.department", "科室", "Department"),
    ("desk.date", "日期", "Date"),
    ("desk.show_slots", "查看号源", "Show free places"),
    (
        "desk.no_slots",
        "该科室当天没有可挂的号。",
        "No free places in this department on that day.",
    ),
    ("desk.left", "余", "left"),
    ("desk.payment.unpaid", "未缴费", "Unpaid"),
    ("desk.payment.paid", "已缴费", "Paid"),
    ("desk.payment.refunded", "已退费", "Refunded"),
    ("desk.method.cash", "现金", "Cash"),
    ("desk.method.wechat-pay", "微信支付", "WeChat Pay"),
    ("desk.method.alipay", "支付宝", "Alipay"),
    ("desk.method.bank-card", "银行卡", "Bank card"),
    ("desk.method.medical-insurance", "医保", "Medical insurance"),
    (
        "desk.done.registered",
        "已建档，可为其挂号。",
        "Registered; you can book for them now.",
    ),
    (
        "desk.done.booked",
        "已挂号，请收取挂号费。",
        "Booked; take the fee next.",
    ),
    ("desk.done.paid", "已收费。", "Fee taken."),
    (
        "desk.done.cancelled",
        "已退号，已缴费用原路退回。",
        "Cancelled; any fee paid is refunded.",
    ),
    ("desk.done.checked-in", "已签到。", "Checked in."),
    (
        "staff.no_sessions",
        "今天没有您的出诊。",
        "You have no sessions today.",
    ),
    (
        "staff.no_sessions_on_day",
        "这一天没有您的出诊。",
        "You have no sessions on this day.",
    ),
    ("staff.sessions_on", "出诊", "Sessions"),
    ("staff.days", "按日查看", "Days"),
    ("staff.previous_day", "前一天", "Previous day"),
    ("staff.next_day", "后一天", "Next day"),
    ("staff.back_to_today", "回到今天", "Today"),
    ("staff.pick_day", "选择日期", "Pick a day"),
    ("staff.show_day", "查看", "Show"),
    ("staff.waiting", "候诊", "Waiting"),
    ("staff.line", "候诊队列", "Waiting line"),
    ("staff.current", "诊室内", "In the room"),
    (
        "staff.nobody_in",
        "当前无就诊患者。",
        "Nobody is in the room.",
    ),
    ("staff.call_next", "叫下一位", "Call next"),
    ("staff.recall", "重呼", "Call again"),
    ("staff.pass", "过号", "Pass (did not come)"),
    ("staff.seen", "完成就诊", "Seen"),
    (
        "staff.nobody_waiting",
        "暂无已签到候诊的患者。",
        "Nobody checked in is waiting.",
    ),
    ("staff.priority", "优先", "Priority"),
    ("staff.passed", "过号", "Passed"),
    ("staff.refresh", "刷新", "Refresh"),
    ("staff.extra", "加号", "Extra place"),
    (
        "staff.extra_how",
        "为面前的患者加一个号：按身份证号、手机号或姓名查找，加号后患者直接进入本诊队列（需到院签到）。",
        "Add a place for the patient in front of you: find them by ID number, mobile number or name; they join this session (and check in on arrival).",
    ),
    (
        "staff.extra_none",
        "没有找到该患者，请到挂号窗口建档。",
        "No patient found; the registration desk can register them.",
    ),
    ("staff.extra_add", "加号", "Add place"),
    (
        "staff.extra_added",
        "已加号，请患者到分诊台签到。序号",
        "Place added; the patient checks in at the triage desk. Number",
    ),
    ("screen.title", "叫号屏", "Call screen"),
    ("screen.now", "请以下患者就诊", "Now calling"),
    ("screen.to", "请到", "Please go to"),
    ("screen.recall", "重呼", "Called again"),
    ("screen.none", "暂未叫号", "No calls yet"),
    ("screen.earlier", "已叫号", "Called earlier"),
    ("screen.number", "序号", "Number"),
    ("screen.name", "姓名", "Name"),
    ("screen.time", "时间", "Time"),
    ("pay.paid", "已缴费", "Paid"),
    ("pay.refunded", "已退费", "Refunded"),
    ("status.pending", "待确认", "Held, to confirm"),
    ("status.booked", "预约成功", "Booked"),
    ("status.checked-in", "已签到", "Checked in"),
    ("status.fulfilled", "已就诊", "Seen"),
    ("status.cancelled", "已取消", "Cancelled"),
    ("status.noshow", "爽约", "Missed"),
    ("status.waitlist", "候补中", "Waiting"),
];

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static TABLE: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        MESSAGES
            .iter()
            .map(|(k, zh, en)| (*k, (*zh, *en)))
            .collect()
    })
}

/// One of two texts of data that comes in both languages; Chinese when there is no English.
pub fn pick<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En if !en.is_empty() => en,
        _ => zh,
    }
}

/// The message `key` in `lang`; an unknown key shows itself (and fails the key test).
pub fn t(lang: Lang, key: &str) -> &'static str {
    match table().get(key) {
        Some((zh, en)) => match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        None => {
            tracing::warn!(key, "missing page text");
            "…"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_are_filled() {
        assert_eq!(table().len(), MESSAGES.len(), "a key appears twice");
        for (key, zh, en) in MESSAGES {
            assert!(!zh.is_empty() && !en.is_empty(), "{key}");
        }
    }

    /// Every `c.t("…")` in a template and `t(…, "…")` in a handler names a message.
    #[test]
    fn every_key_used_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        for dir in ["templates", "src", "src/patient", "src/staff"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                if entry.path().is_file() {
                    sources.push(std::fs::read_to_string(entry.path()).unwrap());
                }
            }
        }
        let mut missing = Vec::new();
        for text in &sources {
            for marker in ["t(\"", "lang, \""] {
                for piece in text.split(marker).skip(1) {
                    let key = piece.split('"').next().unwrap_or_default();
                    let looks_like_key = key.contains('.')
                        && key
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || "._-".contains(c))
                        && !key.ends_with('.');
                    if looks_like_key && !table().contains_key(key) {
                        missing.push(key.to_owned());
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "missing page texts: {missing:?}");
    }
}
