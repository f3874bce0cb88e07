//! A sample printed record (a made-up patient of the demo hospital), so the renderer can be
//! tried and measured without a signed note: `huimin record sample-pdf`, the benchmarks and
//! the tests.

use huimin_domain::records::Certainty;
use huimin_domain::records::{
    AllergyLine, DiagnosisLine, NoteSection, SignatureLine, SignatureStatus, VerificationCode,
    VisitDocument,
};

/// Paragraphs of the present illness that fill about one page.
const PARAGRAPHS_PER_PAGE: usize = 10;

/// A present illness long enough to fill about one page per `pages` (1: a short note).
pub fn sample_document(pages: usize) -> VisitDocument {
    let code = VerificationCode::parse("HM7K2Q9XPD").expect("a valid sample code");
    let illness = "患者3天前受凉后出现头痛，以双侧颞部胀痛为主，伴头晕、乏力，无恶心呕吐，无视物旋转，\
        无肢体麻木无力。自测血压最高165/100 mmHg，休息后略缓解。发病以来精神、食欲可，睡眠欠佳，大小便正常，体重无明显变化。";
    let course = "近日复测血压波动于150–165/95–100 mmHg之间，晨起时头痛明显，午后减轻。";
    let mut present = illness.to_owned();
    for day in 1..=pages.saturating_sub(1) * PARAGRAPHS_PER_PAGE {
        present.push_str(&format!("\n第{day}日：{course}{illness}"));
    }
    VisitDocument {
        hospital_name_zh: "惠民市第一人民医院".into(),
        hospital_name_en: "Huimin First People's Hospital".into(),
        hospital_address: "山东省惠民市北城区健康路 1 号".into(),
        patient_name: "张三".into(),
        patient_sex: "男".into(),
        patient_age: "45岁".into(),
        patient_id_masked: "110***********1137".into(),
        visit_number: "MZ20261207001".into(),
        visited_at: "2026-12-07 09:30".into(),
        department: "心血管内科".into(),
        doctor: "李明".into(),
        sections: vec![
            NoteSection::new("主诉", "头痛、头晕3天。"),
            NoteSection::new("现病史", present),
            NoteSection::new("既往史", "否认糖尿病、冠心病病史；否认手术外伤史。"),
            NoteSection::new("过敏史", "青霉素过敏（皮疹）。"),
            NoteSection::new(
                "体格检查",
                "T 36.5℃，P 78次/分，R 18次/分，BP 162/98 mmHg。神清，心肺听诊未见异常，双下肢无水肿。",
            ),
            NoteSection::new("辅助检查", "心电图：窦性心律，大致正常心电图。"),
            NoteSection::new("诊断", "1. 原发性高血压\n2. 紧张型头痛待查"),
            NoteSection::new(
                "处理意见",
                "1. 低盐饮食，规律作息，监测血压并记录。\n2. 苯磺酸氨氯地平片 5 mg 口服 每日一次。\n3. 两周后心血管内科门诊复诊；如头痛加重、胸闷、肢体无力，立即就诊。",
            ),
        ],
        diagnoses: vec![
            DiagnosisLine {
                code: "I10".into(),
                name: "原发性高血压".into(),
                primary: true,
                certainty: Certainty::Confirmed,
            },
            DiagnosisLine {
                code: "G44.2".into(),
                name: "紧张型头痛".into(),
                primary: false,
                certainty: Certainty::Provisional,
            },
        ],
        allergies: vec![AllergyLine {
            substance: "青霉素".into(),
            reaction: "皮疹".into(),
            severity: "中度".into(),
        }],
        results: vec![NoteSection::new(
            "血常规（12月7日 10:05）",
            "白细胞计数 6.2 10*9/L（3.5–9.5）\n血红蛋白 118 g/L ↓偏低（130–175）",
        )],
        signature: SignatureLine {
            doctor: "李明".into(),
            signed_at: "2026-12-07 09:52".into(),
            key_id: "ed25519:7f3a91c2".into(),
            status: SignatureStatus::Signed,
        },
        verify_url: format!("http://localhost:8080/verify/{code}"),
        code,
        printed_at: "2026-12-07 10:05".into(),
    }
}
