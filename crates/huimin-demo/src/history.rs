//! The demo patients' past outpatient visits: each a finished visit with a signed note, its
//! diagnoses (codes of the demonstration ICD-10 table), the allergies recorded then and the
//! tests ordered with their reports (one with a critical value the doctor acknowledged), so
//! the record and result pages are not empty on a first start. Written for Huimin from the section
//! structure of 病历书写基本规范 (卫医政发〔2010〕11号); the clinical texts are illustrations,
//! not guidance.

/// A visit `days_ago` days before the demo is first loaded, in the morning session of
/// `doctor_key`.
#[derive(Clone, Debug)]
pub struct DemoVisit {
    /// The patient's `DemoPatient::name_zh`.
    pub patient: &'static str,
    pub doctor_key: &'static str,
    pub days_ago: i16,
    pub chief_complaint: &'static str,
    pub present_illness: &'static str,
    pub past_history: &'static str,
    pub physical_exam: &'static str,
    pub auxiliary: &'static str,
    pub plan: &'static str,
    /// (ICD-10 code, confirmed?), the first the primary diagnosis.
    pub diagnoses: Vec<(&'static str, bool)>,
    /// (substance, reaction, severity code) recorded at this visit.
    pub allergies: Vec<(&'static str, &'static str, &'static str)>,
    /// The tests ordered at this visit, each paid, done, reported and reviewed.
    pub orders: Vec<DemoOrder>,
    /// The prescription written at this visit: approved, paid, dispensed and collected.
    pub prescription: Option<DemoPrescription>,
}

/// A prescription of a demo visit, written as the doctor types it.
#[derive(Clone, Debug)]
pub struct DemoPrescription {
    /// A long prescription (长期处方) for a stable chronic condition.
    pub long_term: bool,
    /// A child's weight in kg, for the dose checks.
    pub weight_kg: Option<&'static str>,
    pub lines: Vec<DemoRxLine>,
    /// (rule, reason): the doctor's reasons for the warnings the rules raise.
    pub overrides: Vec<(&'static str, &'static str)>,
}

/// One line: the drug by its formulary name (氨氯地平片), the dose, frequency and days.
#[derive(Clone, Debug)]
pub struct DemoRxLine {
    pub drug: &'static str,
    pub dose: &'static str,
    pub unit: &'static str,
    pub frequency: &'static str,
    pub days: u32,
    /// Packages, for a line used when needed.
    pub quantity: Option<u32>,
}

fn rx(
    drug: &'static str,
    dose: &'static str,
    unit: &'static str,
    frequency: &'static str,
    days: u32,
) -> DemoRxLine {
    DemoRxLine {
        drug,
        dose,
        unit,
        frequency,
        days,
        quantity: None,
    }
}

fn prescription(lines: Vec<DemoRxLine>) -> Option<DemoPrescription> {
    Some(DemoPrescription {
        long_term: false,
        weight_kg: None,
        lines,
        overrides: Vec::new(),
    })
}

/// A laboratory result a demo patient brought from another hospital (结果互认), imported as
/// the FHIR Bundle such a hospital sends. The hospital is fictional; its 统一社会信用代码 only
/// has a valid check character.
#[derive(Clone, Debug)]
pub struct DemoExternalResult {
    /// The patient's `DemoPatient::name_zh`.
    pub patient: &'static str,
    pub days_ago: i16,
    pub hospital: &'static str,
    pub credit_code: &'static str,
    /// 医院等级, e.g. 三级甲等.
    pub level: &'static str,
    /// The recognition mark the hospital carries: national, province, city or alliance.
    pub scope: &'static str,
    /// The orderable item answered.
    pub item: &'static str,
    /// (analyte code, value) in the analyte table's unit.
    pub values: Vec<(&'static str, &'static str)>,
}

pub(crate) fn external_results() -> Vec<DemoExternalResult> {
    vec![DemoExternalResult {
        patient: "陈志强",
        days_ago: 9,
        hospital: "泉城市第一人民医院",
        credit_code: "124400004558588389",
        level: "三级甲等",
        scope: "province",
        item: "LAB-LIPID",
        values: vec![
            ("CHOL", "5.92"),
            ("TG", "1.64"),
            ("HDL", "1.08"),
            ("LDL", "3.71"),
        ],
    }]
}

/// A test ordered at a demo visit and its final report.
#[derive(Clone, Debug)]
pub struct DemoOrder {
    /// The orderable item (`orderables.toml`).
    pub item: &'static str,
    /// (analyte code, value as the laboratory printed it) in the analyte table's unit, every
    /// analyte of the item's panel.
    pub values: Vec<(&'static str, &'static str)>,
    /// The conclusion of an imaging or ECG report.
    pub conclusion: Option<&'static str>,
    /// Minutes after the report that the ordering doctor acknowledged its critical value.
    pub acknowledged_after: Option<i64>,
}

fn lab(item: &'static str, values: Vec<(&'static str, &'static str)>) -> DemoOrder {
    DemoOrder {
        item,
        values,
        conclusion: None,
        acknowledged_after: None,
    }
}

fn exam(item: &'static str, conclusion: &'static str) -> DemoOrder {
    DemoOrder {
        item,
        values: Vec::new(),
        conclusion: Some(conclusion),
        acknowledged_after: None,
    }
}

pub(crate) fn visits() -> Vec<DemoVisit> {
    vec![
        DemoVisit {
            patient: "赵淑珍",
            doctor_key: "dr-016",
            days_ago: 96,
            chief_complaint: "发现血压升高 5 年，头晕 3 天",
            present_illness: "患者 5 年前体检发现血压升高，最高 168/96 mmHg，间断服用硝苯地平缓释片，近 3 天晨起头晕，无胸痛、胸闷，无肢体活动障碍。",
            past_history: "否认糖尿病、冠心病病史，否认脑卒中病史。母亲有高血压病史。",
            physical_exam: "BP 162/94 mmHg（左上肢），P 78 次/分，律齐。双肺呼吸音清。心界不大，各瓣膜听诊区未闻及杂音。双下肢无水肿。",
            auxiliary: "心电图：窦性心律，大致正常心电图。\n血脂：总胆固醇 6.4 mmol/L，低密度脂蛋白 4.1 mmol/L。",
            plan: "1. 低盐低脂饮食，规律作息；\n2. 苯磺酸氨氯地平片 5 mg 每日一次，阿托伐他汀钙片 20 mg 每晚一次；\n3. 家庭自测血压并记录，2 周后复诊。",
            diagnoses: vec![("I10.x00x004", true), ("E78.500", true)],
            allergies: vec![("青霉素", "全身皮疹、瘙痒", "moderate")],
            orders: vec![lab(
                "LAB-LIPID",
                vec![
                    ("CHOL", "6.4"),
                    ("TG", "1.9"),
                    ("HDL", "1.2"),
                    ("LDL", "4.1"),
                ],
            )],
            prescription: Some(DemoPrescription {
                long_term: false,
                weight_kg: None,
                lines: vec![
                    rx("氨氯地平片", "5", "mg", "QD", 14),
                    rx("阿托伐他汀片", "20", "mg", "QN", 14),
                ],
                overrides: vec![(
                    "max-days",
                    "高血压起始治疗，两周后复诊评估（处方管理办法第十九条）",
                )],
            }),
        },
        DemoVisit {
            patient: "赵淑珍",
            doctor_key: "dr-016",
            days_ago: 33,
            chief_complaint: "高血压复诊",
            present_illness: "规律服用氨氯地平、阿托伐他汀 2 月，家庭自测血压 130～142/80～88 mmHg，头晕缓解，无踝部水肿。",
            past_history: "高血压 5 年，高脂血症 2 月。",
            physical_exam: "BP 138/84 mmHg，P 72 次/分，律齐。双下肢无水肿。",
            auxiliary: "复查血脂：总胆固醇 4.9 mmol/L，低密度脂蛋白 2.8 mmol/L。",
            plan: "1. 继续原方案；\n2. 每月复诊一次，不适随诊。",
            diagnoses: vec![("I10.x00x004", true), ("E78.500", true)],
            allergies: vec![],
            orders: vec![],
            prescription: Some(DemoPrescription {
                long_term: true,
                weight_kg: None,
                lines: vec![
                    rx("氨氯地平片", "5", "mg", "QD", 28),
                    rx("阿托伐他汀片", "20", "mg", "QN", 28),
                ],
                overrides: Vec::new(),
            }),
        },
        DemoVisit {
            patient: "黄德明",
            doctor_key: "dr-016",
            days_ago: 61,
            chief_complaint: "活动后胸闷 1 月",
            present_illness: "患者 1 月前快走或上楼时出现胸骨后闷痛，持续 3～5 分钟，休息后缓解，无放射痛，无夜间阵发性呼吸困难。",
            past_history: "高血压 10 年，服用缬沙坦 80 mg 每日一次。吸烟 30 年，每日 10 支。",
            physical_exam: "BP 146/88 mmHg，P 80 次/分，律齐，未闻及杂音。双肺呼吸音清。",
            auxiliary: "心电图：II、III、aVF 导联 ST 段压低 0.05 mV。",
            plan: "1. 戒烟；\n2. 阿司匹林肠溶片 100 mg 每日一次，单硝酸异山梨酯缓释片 40 mg 每日一次；\n3. 建议冠状动脉 CT 血管成像；胸痛持续不缓解立即急诊就诊。",
            diagnoses: vec![("I25.100", false), ("I10.x00", true)],
            allergies: vec![],
            orders: vec![],
            prescription: Some(DemoPrescription {
                long_term: false,
                weight_kg: None,
                lines: vec![
                    rx("阿司匹林肠溶片", "100", "mg", "QD", 7),
                    rx("单硝酸异山梨酯片", "20", "mg", "BID", 7),
                ],
                overrides: vec![(
                    "elderly-caution",
                    "已评估出血风险，小剂量抗血小板获益大于风险",
                )],
            }),
        },
        DemoVisit {
            patient: "黄德明",
            doctor_key: "dr-025",
            days_ago: 19,
            chief_complaint: "口干、多饮 2 月",
            present_illness: "患者 2 月前出现口干、多饮、多尿，体重下降约 3 kg，无视物模糊，无手足麻木。",
            past_history: "高血压 10 年，冠心病待查。父亲有糖尿病病史。",
            physical_exam: "BMI 26.1 kg/m²，BP 140/86 mmHg。双足背动脉搏动可。",
            auxiliary: "空腹血糖 9.6 mmol/L，糖化血红蛋白 8.1%。",
            plan: "1. 糖尿病饮食及运动指导；\n2. 二甲双胍片 0.5 g 每日两次，餐中服；\n3. 监测空腹及餐后血糖，4 周后复诊。",
            diagnoses: vec![("E11.900", true)],
            allergies: vec![],
            orders: vec![],
            prescription: Some(DemoPrescription {
                long_term: false,
                weight_kg: None,
                lines: vec![rx("二甲双胍片", "0.5", "g", "BID", 14)],
                overrides: vec![
                    (
                        "max-days",
                        "糖尿病初诊，两周用药观察后复诊（处方管理办法第十九条）",
                    ),
                    ("elderly-caution", "肾功能正常（eGFR>60），从小剂量起始"),
                ],
            }),
        },
        DemoVisit {
            patient: "陈志强",
            doctor_key: "dr-008",
            days_ago: 40,
            chief_complaint: "咳嗽、咳痰 5 天",
            present_illness: "患者 5 天前受凉后出现咳嗽，咳白色黏痰，伴咽痛，低热 37.6 ℃，无胸闷气促，无咯血。",
            past_history: "否认慢性支气管炎、哮喘病史，否认结核病史。吸烟史：无。",
            physical_exam: "T 37.4 ℃，P 86 次/分，R 18 次/分，SpO₂ 98%。咽部充血。双肺呼吸音粗，可闻及少许干啰音。",
            auxiliary: "血常规：白细胞 9.2×10⁹/L，中性粒细胞 72%。\n胸部 X 线：双肺纹理增粗。",
            plan: "1. 多饮水，注意休息；\n2. 氨溴索片 30 mg 每日三次；\n3. 如出现高热、气促加重，及时复诊。",
            diagnoses: vec![("J20.900", true)],
            allergies: vec![("头孢克洛", "荨麻疹", "mild")],
            orders: vec![
                lab(
                    "LAB-CBC",
                    vec![
                        ("WBC", "9.2"),
                        ("RBC", "4.9"),
                        ("HGB", "148"),
                        ("PLT", "236"),
                    ],
                ),
                exam("IMG-CXR", "双肺纹理增粗，未见明确实变影，心影大小正常。"),
            ],
            prescription: prescription(vec![rx("氨溴索片", "30", "mg", "TID", 5)]),
        },
        DemoVisit {
            patient: "陈志强",
            doctor_key: "dr-016",
            days_ago: 12,
            chief_complaint: "体检发现血压升高 1 周",
            present_illness: "单位体检测血压 148/95 mmHg，无头晕、头痛，无胸闷、心悸。",
            past_history: "1 月前急性支气管炎，已愈。",
            physical_exam: "BP 146/94 mmHg（左上肢），142/92 mmHg（右上肢），P 76 次/分，律齐。",
            auxiliary: "心电图：窦性心律，正常心电图。\n电解质：血钾 6.4 mmol/L（危急值，已电话通知患者次日空腹复查），血钠 139 mmol/L。",
            plan: "1. 低盐饮食，减重，规律运动；\n2. 家庭自测血压 2 周并记录；\n3. 2 周后复诊决定是否用药。",
            diagnoses: vec![("I10.x00x003", false)],
            allergies: vec![],
            orders: vec![DemoOrder {
                acknowledged_after: Some(4),
                ..lab("LAB-LYTES", vec![("K", "6.4"), ("NA", "139")])
            }],
            prescription: None,
        },
        DemoVisit {
            patient: "林晓燕",
            doctor_key: "dr-012",
            days_ago: 21,
            chief_complaint: "上腹部不适 3 周",
            present_illness: "患者 3 周前出现上腹部隐痛，餐后明显，伴反酸、嗳气，无呕血、黑便，无消瘦。",
            past_history: "否认肝炎病史，否认消化道出血史，否认腹部手术史。",
            physical_exam: "腹平软，上腹部轻压痛，无反跳痛，肝脾肋下未及，墨菲征阴性。",
            auxiliary: "¹³C 尿素呼气试验：阴性。",
            plan: "1. 规律饮食，忌辛辣；\n2. 奥美拉唑肠溶胶囊 20 mg 每日一次，早餐前服，4 周；\n3. 症状不缓解时行胃镜检查，4 周后复诊。",
            diagnoses: vec![("K29.500", true), ("K21.900", false)],
            allergies: vec![],
            orders: vec![lab(
                "LAB-CBC",
                vec![
                    ("WBC", "5.6"),
                    ("RBC", "3.9"),
                    ("HGB", "108"),
                    ("PLT", "255"),
                ],
            )],
            prescription: Some(DemoPrescription {
                long_term: false,
                weight_kg: None,
                lines: vec![rx("奥美拉唑肠溶胶囊", "20", "mg", "QD", 28)],
                overrides: vec![("max-days", "消化性溃疡疗程 4 周（处方管理办法第十九条）")],
            }),
        },
        DemoVisit {
            patient: "周子涵",
            doctor_key: "dr-051",
            days_ago: 8,
            chief_complaint: "发热 2 天",
            present_illness: "患儿 2 天前出现发热，体温最高 38.9 ℃，伴咳嗽、流涕，无抽搐，精神反应可，进食尚可。",
            past_history: "足月顺产，按时预防接种。",
            physical_exam: "T 38.2 ℃，体重 32 kg。神志清，精神可。咽部充血，双侧扁桃体 I 度肿大。双肺呼吸音清。",
            auxiliary: "血常规：白细胞 6.8×10⁹/L，淋巴细胞 52%。",
            plan: "1. 体温超过 38.5 ℃ 时布洛芬混悬液 10 ml 口服；\n2. 多饮水，清淡饮食；\n3. 如持续高热、精神差、抽搐，立即就诊。",
            diagnoses: vec![("J06.900", true)],
            allergies: vec![],
            orders: vec![],
            prescription: Some(DemoPrescription {
                long_term: false,
                weight_kg: Some("32"),
                lines: vec![DemoRxLine {
                    quantity: Some(1),
                    ..rx("布洛芬混悬液", "10", "mL", "PRN", 3)
                }],
                overrides: Vec::new(),
            }),
        },
    ]
}
