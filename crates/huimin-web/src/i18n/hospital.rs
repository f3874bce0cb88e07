//! The hospital page, where things are (campus, building, floor), and what departments say
//! about whom they see.

/// (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("hospital.title", "医院信息", "About the hospital"),
    (
        "hospital.link",
        "医院信息：院区、地址与电话",
        "The hospital: campuses, addresses and phones",
    ),
    (
        "hospital.none",
        "尚未录入医院信息。",
        "The hospital's details have not been entered.",
    ),
    ("hospital.short", "简称", "Also known as"),
    ("hospital.level", "医院等级", "Grade"),
    ("hospital.phone", "总机", "Switchboard"),
    ("hospital.address", "地址", "Address"),
    ("hospital.campuses", "院区", "Campuses"),
    ("hospital.hours", "门诊时间", "Outpatient hours"),
    ("hospital.emergency", "急诊", "Emergency"),
    ("place.campus", "院区", "Campus"),
    ("place.where", "位置", "Where"),
    ("about.phone", "电话", "Phone"),
    ("about.limits", "本科室", "This department "),
    (
        "about.emergency",
        "急诊不接受预约",
        "Emergency is not booked in advance",
    ),
    (
        "about.emergency_text",
        "急诊 24 小时开放，请直接到急诊科就诊，到院后挂号；危急情况请拨打 120。",
        "The emergency department is open 24 hours: come straight in and register on arrival. In an emergency call 120.",
    ),
    (
        "eligible.heading",
        "以下就诊人不能预约本号源",
        "These family members cannot be booked here",
    ),
    ("admin.hospital", "医院与院区", "Hospital and campuses"),
    ("admin.hospital_details", "医院", "The hospital"),
    ("admin.hospital_name", "名称", "Name"),
    ("admin.add_campus", "添加院区", "Add a campus"),
    (
        "admin.hospital_first",
        "请先保存医院的名称，再添加院区。",
        "Save the hospital's name first, then add its campuses.",
    ),
    ("profile.title", "接诊设置", "Who the department sees"),
    ("profile.kind", "科室类型", "Kind of department"),
    ("profile.limits", "接诊范围", "Patients seen"),
    (
        "profile.limits_hint",
        "年龄按就诊日计算周岁；留空表示不限。例如儿科“不满 14 岁”即 14 岁生日前一天为止。",
        "Ages are whole years on the day of the visit; leave empty for no limit. Pediatrics \"under 14\" sees children until the day before their 14th birthday.",
    ),
    (
        "profile.age_from",
        "起始年龄（含，周岁）",
        "From age (inclusive)",
    ),
    (
        "profile.age_under",
        "不满年龄（不含，周岁）",
        "Under age (exclusive)",
    ),
    ("profile.sex", "性别", "Sex"),
    ("profile.sex.any", "不限", "Any"),
    ("profile.sex.female", "仅女性", "Women only"),
    ("profile.sex.male", "仅男性", "Men only"),
    (
        "profile.class_own",
        "单独设置接诊范围（不勾选则同科室）",
        "own limits (unticked: the department's)",
    ),
    ("profile.save", "保存", "Save"),
    (
        "profile.reset",
        "恢复默认（按诊疗科目）",
        "Back to the default (by department code)",
    ),
    ("profile.saved", "已保存。", "Saved."),
    ("profile.set", "由管理员设置。", "Set by an administrator."),
    (
        "profile.suggested",
        "按国家诊疗科目代码的默认设置。",
        "The default for the department's national code.",
    ),
    (
        "profile.not_an_age",
        "请输入 0 至 120 之间的整数",
        "Enter a whole number from 0 to 120",
    ),
    ("profile.edit", "接诊设置", "Who it sees"),
    ("profile.open", "接诊不限", "Sees everyone"),
];
