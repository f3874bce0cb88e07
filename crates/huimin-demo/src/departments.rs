//! Departments, coded with the national 诊疗科目 catalog.
//!
//! Layout of the main campus outpatient building: 1F 急诊/挂号/药房,
//! 2F 内科, 3F 外科, 4F 妇儿, 5F 五官; the medical technology building holds
//! imaging (1F) and the laboratory (2F). The east campus hosts general
//! practice, geriatrics, oncology, psychiatry, TCM and rehabilitation.

use crate::DemoDepartment;
use crate::campus::{EAST_OPD, MAIN_MTB, MAIN_OPD};

#[derive(Clone, Copy, Debug)]
pub(crate) struct Category {
    pub zh: &'static str,
    pub en: &'static str,
}

pub(crate) const INTERNAL: Category = Category {
    zh: "内科",
    en: "Internal Medicine",
};
pub(crate) const SURGERY: Category = Category {
    zh: "外科",
    en: "Surgery",
};
pub(crate) const WOMEN_CHILDREN: Category = Category {
    zh: "妇儿",
    en: "Women and Children",
};
pub(crate) const EENT: Category = Category {
    zh: "五官",
    en: "Eye, ENT, Dental and Skin",
};
pub(crate) const MEDTECH: Category = Category {
    zh: "医技",
    en: "Medical Technology",
};
pub(crate) const TCM: Category = Category {
    zh: "中医",
    en: "Traditional Chinese Medicine",
};
pub(crate) const EMERGENCY: Category = Category {
    zh: "急诊",
    en: "Emergency",
};

/// key, code, name_zh, name_en, category, building, floor, phone, description_zh, description_en
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Category,
    &'static str,
    i32,
    &'static str,
    &'static str,
    &'static str,
);

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // 本部门诊楼 1F
    ("emergency", "20", "急诊医学科", "Emergency Medicine", EMERGENCY, MAIN_OPD, 1, "0543-5186120",
     "24 小时开诊，承担急危重症抢救、胸痛及卒中绿色通道。",
     "Open 24 hours; resuscitation of critically ill patients and the chest-pain and stroke fast tracks."),
    ("infectious-diseases", "16", "感染科", "Infectious Diseases", INTERNAL, MAIN_OPD, 1, "0543-5186116",
     "设发热门诊与肠道门诊（独立出入口），诊治病毒性肝炎及各类感染性疾病。",
     "Fever and enteric clinics with a separate entrance; viral hepatitis and other infectious diseases."),
    // 本部门诊楼 2F 内科
    ("respiratory", "03.01", "呼吸内科", "Respiratory Medicine", INTERNAL, MAIN_OPD, 2, "0543-5186201",
     "诊治慢阻肺、哮喘、肺部感染及肺结节，开展支气管镜与肺功能检查。",
     "COPD, asthma, pneumonia and pulmonary nodules; bronchoscopy and lung function testing."),
    ("gastroenterology", "03.02", "消化内科", "Gastroenterology", INTERNAL, MAIN_OPD, 2, "0543-5186202",
     "诊治胃肠、肝胆胰疾病，开展无痛胃肠镜及内镜下微创治疗。",
     "Digestive, liver and pancreatic diseases; sedated endoscopy and endoscopic therapy."),
    ("neurology", "03.03", "神经内科", "Neurology", INTERNAL, MAIN_OPD, 2, "0543-5186203",
     "卒中中心核心科室，诊治脑血管病、癫痫、帕金森病及头痛。",
     "Core of the stroke center; cerebrovascular disease, epilepsy, Parkinson's disease and headache."),
    ("cardiology", "03.04", "心血管内科", "Cardiology", INTERNAL, MAIN_OPD, 2, "0543-5186204",
     "胸痛中心核心科室，诊治冠心病、高血压、心律失常及心力衰竭，开展冠脉介入。",
     "Core of the chest-pain center; coronary disease, hypertension, arrhythmia, heart failure, PCI."),
    ("hematology", "03.05", "血液内科", "Hematology", INTERNAL, MAIN_OPD, 2, "0543-5186205",
     "诊治贫血、白血病、淋巴瘤等血液系统疾病。",
     "Anemia, leukemia, lymphoma and other blood disorders."),
    ("nephrology", "03.06", "肾内科", "Nephrology", INTERNAL, MAIN_OPD, 2, "0543-5186206",
     "诊治各类肾小球疾病与慢性肾脏病，设血液净化中心。",
     "Glomerular and chronic kidney disease; runs the blood purification (dialysis) center."),
    ("endocrinology", "03.07", "内分泌科", "Endocrinology", INTERNAL, MAIN_OPD, 2, "0543-5186207",
     "诊治糖尿病、甲状腺疾病、骨质疏松等内分泌代谢病。",
     "Diabetes, thyroid disease, osteoporosis and other endocrine and metabolic disorders."),
    ("rheumatology", "03.08", "风湿免疫科", "Rheumatology and Immunology", INTERNAL, MAIN_OPD, 2, "0543-5186208",
     "诊治类风湿关节炎、系统性红斑狼疮、痛风等风湿免疫病。",
     "Rheumatoid arthritis, lupus, gout and other autoimmune and rheumatic diseases."),
    // 本部门诊楼 3F 外科
    ("general-surgery", "04.01", "普通外科", "General Surgery", SURGERY, MAIN_OPD, 3, "0543-5186301",
     "开展胃肠、肝胆、甲状腺乳腺及疝的腹腔镜微创手术。",
     "Laparoscopic surgery of the gut, liver and biliary tract, thyroid and breast, and hernia repair."),
    ("neurosurgery", "04.02", "神经外科", "Neurosurgery", SURGERY, MAIN_OPD, 3, "0543-5186302",
     "诊治颅脑外伤、脑出血、颅内肿瘤及脑血管畸形。",
     "Head injury, intracerebral hemorrhage, brain tumors and cerebrovascular malformations."),
    ("orthopedics", "04.03", "骨科", "Orthopedics", SURGERY, MAIN_OPD, 3, "0543-5186303",
     "设创伤、关节、脊柱及运动医学亚专业。",
     "Trauma, joint replacement, spine surgery and sports medicine."),
    ("urology", "04.04", "泌尿外科", "Urology", SURGERY, MAIN_OPD, 3, "0543-5186304",
     "诊治泌尿系结石、前列腺增生及泌尿系肿瘤，开展输尿管软镜碎石。",
     "Urinary stones, prostate enlargement and urological tumors; flexible ureteroscopy."),
    ("thoracic-surgery", "04.05", "胸外科", "Thoracic Surgery", SURGERY, MAIN_OPD, 3, "0543-5186305",
     "开展肺癌、食管癌及纵隔肿瘤的胸腔镜微创手术。",
     "Video-assisted thoracoscopic surgery for lung, esophageal and mediastinal tumors."),
    // 本部门诊楼 4F 妇儿
    ("gynecology", "05.01", "妇科", "Gynecology", WOMEN_CHILDREN, MAIN_OPD, 4, "0543-5186401",
     "诊治子宫肌瘤、卵巢囊肿、宫颈疾病及月经失调，开展宫腹腔镜手术。",
     "Fibroids, ovarian cysts, cervical disease and menstrual disorders; hysteroscopy and laparoscopy."),
    ("obstetrics", "05.02", "产科", "Obstetrics", WOMEN_CHILDREN, MAIN_OPD, 4, "0543-5186402",
     "提供孕期保健与产前检查，为区域危重孕产妇救治中心。",
     "Prenatal care and check-ups; regional referral center for high-risk pregnancies."),
    ("pediatrics", "07", "儿科", "Pediatrics", WOMEN_CHILDREN, MAIN_OPD, 4, "0543-5186407",
     "诊治儿童呼吸、消化及生长发育问题，设新生儿专科门诊。",
     "Respiratory, digestive and growth problems in children; neonatal follow-up clinic."),
    // 本部门诊楼 5F 五官
    ("ophthalmology", "10", "眼科", "Ophthalmology", EENT, MAIN_OPD, 5, "0543-5186510",
     "开展白内障超声乳化、青光眼及眼底病诊治。",
     "Phacoemulsification cataract surgery, glaucoma and retinal disease."),
    ("ent", "11", "耳鼻咽喉科", "Otorhinolaryngology (ENT)", EENT, MAIN_OPD, 5, "0543-5186511",
     "诊治鼻窦炎、过敏性鼻炎、中耳炎及听力障碍，开展鼻内镜手术。",
     "Sinusitis, allergic rhinitis, otitis media and hearing loss; endoscopic sinus surgery."),
    ("stomatology", "12", "口腔科", "Stomatology", EENT, MAIN_OPD, 5, "0543-5186512",
     "提供牙体牙髓、牙周、修复、正畸及口腔外科诊疗。",
     "Endodontics, periodontics, prosthodontics, orthodontics and oral surgery."),
    ("dermatology", "13", "皮肤科", "Dermatology", EENT, MAIN_OPD, 5, "0543-5186513",
     "诊治湿疹、银屑病、痤疮、荨麻疹等常见皮肤病。",
     "Eczema, psoriasis, acne, urticaria and other common skin diseases."),
    // 本部医技楼
    ("medical-imaging", "32", "医学影像科", "Medical Imaging", MEDTECH, MAIN_MTB, 1, "0543-5186632",
     "提供 DR、CT、磁共振及超声检查，请凭检查申请单登记。",
     "X-ray, CT, MRI and ultrasound; register at the desk with your examination request."),
    ("laboratory", "30", "医学检验科", "Clinical Laboratory", MEDTECH, MAIN_MTB, 2, "0543-5186630",
     "门诊采血及临床检验，多数项目当日出具报告。",
     "Outpatient blood sampling and clinical testing; most reports are issued the same day."),
    // 东院门诊楼
    ("general-practice", "02", "全科医疗科", "General Practice", INTERNAL, EAST_OPD, 1, "0543-5187102",
     "首诊与慢病管理，协调多学科转诊。",
     "First-contact care and chronic disease management; coordinates specialist referrals."),
    ("geriatrics", "03.10", "老年病科", "Geriatrics", INTERNAL, EAST_OPD, 2, "0543-5187210",
     "为老年人提供综合评估及多病共存、多重用药管理。",
     "Comprehensive geriatric assessment, multimorbidity and medication review for older adults."),
    ("oncology", "19", "肿瘤科", "Oncology", INTERNAL, EAST_OPD, 2, "0543-5187219",
     "提供化疗、靶向及免疫治疗，开展多学科会诊。",
     "Chemotherapy, targeted therapy and immunotherapy; multidisciplinary tumor boards."),
    ("psychiatry", "15", "精神心理科", "Psychiatry and Psychology", INTERNAL, EAST_OPD, 2, "0543-5187215",
     "心理门诊，诊治抑郁、焦虑、失眠等心理及精神问题。",
     "Psychological clinic for depression, anxiety, insomnia and other mental health problems."),
    ("tcm", "50", "中医科", "Traditional Chinese Medicine", TCM, EAST_OPD, 3, "0543-5187350",
     "中医内科调理、针灸推拿，冬季提供膏方门诊。",
     "TCM internal medicine, acupuncture and tuina; herbal paste clinic in winter."),
    ("rehabilitation", "21", "康复医学科", "Rehabilitation Medicine", TCM, EAST_OPD, 3, "0543-5187321",
     "与中医科共建中医康复中心，开展卒中、骨科术后及疼痛康复。",
     "Runs the TCM and rehabilitation center with the TCM department: stroke, post-surgery, pain."),
];

pub(crate) fn departments() -> Vec<DemoDepartment> {
    ROWS.iter()
        .map(
            |&(key, code, name_zh, name_en, category, building_key, floor, phone, dzh, den)| {
                DemoDepartment {
                    key,
                    code,
                    name_zh,
                    name_en,
                    category_zh: category.zh,
                    category_en: category.en,
                    campus_key: crate::campus::campus_of(building_key),
                    building_key,
                    floor,
                    phone,
                    description_zh: dzh,
                    description_en: den,
                }
            },
        )
        .collect()
}
