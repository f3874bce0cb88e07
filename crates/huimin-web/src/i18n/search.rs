//! The directory search on the home page: its box, its results and its empty state.

/// (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    (
        "search.label",
        "搜索科室或医生",
        "Search departments or doctors",
    ),
    (
        "search.placeholder",
        "科室、医生、擅长或拼音",
        "Department, doctor or pinyin",
    ),
    ("search.button", "搜索", "Search"),
    ("search.title", "搜索结果", "Search results"),
    ("search.doctors", "医生", "Doctors"),
    ("search.also", "又名 ", "also called "),
    (
        "search.nothing",
        "没有找到与“{q}”相符的科室或医生。",
        "No department or doctor matches “{q}”.",
    ),
    (
        "search.nothing_next",
        "不确定挂哪个科？请在全部科室中选择，或到门诊大厅分诊台咨询护士。",
        "Not sure which department? Choose from all departments, or ask the nurse at the triage desk in the outpatient hall.",
    ),
    (
        "search.all_departments",
        "查看全部科室",
        "See all departments",
    ),
];
