use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// A code from the national catalog of clinical departments
/// (医疗机构诊疗科目名录): `NN` for a department, `NN.NN` for a specialty
/// within it. Only codes present in [`DepartmentCode::catalog`] parse, so a
/// hospital's department list can always be named and grouped.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DepartmentCode(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DepartmentCodeError {
    #[error("department code {input:?} must look like NN or NN.NN")]
    Malformed { input: String },
    #[error("department code {code} is not in the national catalog")]
    Unknown { code: String },
}

impl DepartmentCodeError {
    pub fn message(&self) -> Text {
        let zh = match self {
            Self::Malformed { input } => {
                format!("诊疗科目代码“{input}”格式不正确，应为 NN 或 NN.NN")
            }
            Self::Unknown { code } => format!("诊疗科目代码 {code} 不在国家诊疗科目名录中"),
        };
        Text::new(zh, self.to_string())
    }
}

impl DepartmentCode {
    pub fn parse(raw: &str) -> Result<Self, DepartmentCodeError> {
        let code = raw.trim();
        if !is_well_formed(code) {
            return Err(DepartmentCodeError::Malformed {
                input: raw.to_owned(),
            });
        }
        if entry(code).is_none() {
            return Err(DepartmentCodeError::Unknown {
                code: code.to_owned(),
            });
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn catalog_name(&self) -> Text {
        let (_, zh, en) = entry(&self.0).expect("DepartmentCode::parse checked the catalog");
        Text::new(*zh, *en)
    }

    /// The department a specialty belongs to: `03.01` → `03`.
    pub fn parent(&self) -> Option<DepartmentCode> {
        let (parent, _) = self.0.split_once('.')?;
        DepartmentCode::parse(parent).ok()
    }

    /// The catalog entries this build knows: (code, Chinese, English).
    pub fn catalog() -> &'static [(&'static str, &'static str, &'static str)] {
        CATALOG
    }
}

/// Module-level alias so callers can write `directory::catalog()`.
pub fn catalog() -> &'static [(&'static str, &'static str, &'static str)] {
    CATALOG
}

fn is_well_formed(code: &str) -> bool {
    let b = code.as_bytes();
    let pair = |s: &[u8]| s.len() == 2 && s.iter().all(u8::is_ascii_digit);
    match b.len() {
        2 => pair(b),
        5 => pair(&b[..2]) && b[2] == b'.' && pair(&b[3..]),
        _ => false,
    }
}

/// The catalogue's entry for `code`: (code, Chinese, English).
pub(super) fn entry(code: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    CATALOG.iter().find(|(c, _, _)| *c == code)
}

impl TryFrom<String> for DepartmentCode {
    type Error = DepartmentCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DepartmentCode::parse(&s)
    }
}

impl From<DepartmentCode> for String {
    fn from(c: DepartmentCode) -> String {
        c.0
    }
}

/// A subset of the 1994 catalog with its later additions (27 疼痛科 2007,
/// 28 重症医学科 2009): every department and the specialties a general
/// hospital's booking pages need. Ordered by code.
const CATALOG: &[(&str, &str, &str)] = &[
    ("01", "预防保健科", "Preventive Care"),
    ("02", "全科医疗科", "General Practice"),
    ("03", "内科", "Internal Medicine"),
    ("03.01", "呼吸内科专业", "Respiratory Medicine"),
    ("03.02", "消化内科专业", "Gastroenterology"),
    ("03.03", "神经内科专业", "Neurology"),
    ("03.04", "心血管内科专业", "Cardiology"),
    ("03.05", "血液内科专业", "Hematology"),
    ("03.06", "肾病学专业", "Nephrology"),
    ("03.07", "内分泌专业", "Endocrinology"),
    ("03.08", "免疫学专业", "Immunology"),
    ("03.09", "变态反应专业", "Allergy"),
    ("03.10", "老年病专业", "Geriatrics"),
    ("04", "外科", "Surgery"),
    ("04.01", "普通外科专业", "General Surgery"),
    ("04.02", "神经外科专业", "Neurosurgery"),
    ("04.03", "骨科专业", "Orthopedics"),
    ("04.04", "泌尿外科专业", "Urology"),
    ("04.05", "胸外科专业", "Thoracic Surgery"),
    (
        "04.06",
        "心脏大血管外科专业",
        "Cardiac and Great Vessel Surgery",
    ),
    ("04.07", "烧伤科专业", "Burns"),
    ("04.08", "整形外科专业", "Plastic Surgery"),
    ("05", "妇产科", "Obstetrics and Gynecology"),
    ("05.01", "妇科专业", "Gynecology"),
    ("05.02", "产科专业", "Obstetrics"),
    ("05.03", "计划生育专业", "Family Planning"),
    ("05.04", "优生学专业", "Eugenics and Prenatal Care"),
    (
        "05.05",
        "生殖健康与不孕症专业",
        "Reproductive Health and Infertility",
    ),
    ("06", "妇女保健科", "Women's Health Care"),
    ("07", "儿科", "Pediatrics"),
    ("08", "小儿外科", "Pediatric Surgery"),
    ("09", "儿童保健科", "Child Health Care"),
    ("10", "眼科", "Ophthalmology"),
    ("11", "耳鼻咽喉科", "Otorhinolaryngology"),
    ("12", "口腔科", "Stomatology"),
    ("13", "皮肤科", "Dermatology"),
    ("14", "医疗美容科", "Medical Cosmetology"),
    ("15", "精神科", "Psychiatry"),
    ("16", "传染科", "Infectious Diseases"),
    ("17", "结核病科", "Tuberculosis"),
    ("18", "地方病科", "Endemic Diseases"),
    ("19", "肿瘤科", "Oncology"),
    ("20", "急诊医学科", "Emergency Medicine"),
    ("21", "康复医学科", "Rehabilitation Medicine"),
    ("22", "运动医学科", "Sports Medicine"),
    ("23", "职业病科", "Occupational Diseases"),
    ("24", "临终关怀科", "Hospice Care"),
    (
        "25",
        "特种医学与军事医学科",
        "Special and Military Medicine",
    ),
    ("26", "麻醉科", "Anesthesiology"),
    ("27", "疼痛科", "Pain Medicine"),
    ("28", "重症医学科", "Critical Care Medicine"),
    ("30", "医学检验科", "Clinical Laboratory"),
    ("31", "病理科", "Pathology"),
    ("32", "医学影像科", "Medical Imaging"),
    ("50", "中医科", "Traditional Chinese Medicine"),
    ("51", "民族医学科", "Ethnic Minority Medicine"),
    (
        "52",
        "中西医结合科",
        "Integrated Chinese and Western Medicine",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_parse_and_are_named() {
        let resp = DepartmentCode::parse(" 03.01 ").unwrap();
        assert_eq!(resp.as_str(), "03.01");
        assert_eq!(resp.catalog_name().zh, "呼吸内科专业");
        assert_eq!(resp.catalog_name().en, "Respiratory Medicine");
        assert_eq!(resp.parent().unwrap().catalog_name().zh, "内科");
        let tcm = DepartmentCode::parse("50").unwrap();
        assert_eq!(tcm.catalog_name().zh, "中医科");
        assert_eq!(tcm.parent(), None);
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for raw in ["", "3", "003", "03.1", "03-01", "03.01.01", "ab", "０３"] {
            assert!(
                matches!(
                    DepartmentCode::parse(raw),
                    Err(DepartmentCodeError::Malformed { .. })
                ),
                "{raw}"
            );
        }
    }

    #[test]
    fn well_formed_codes_outside_the_catalog_are_rejected() {
        let err = DepartmentCode::parse("99").unwrap_err();
        assert_eq!(err, DepartmentCodeError::Unknown { code: "99".into() });
        assert_eq!(err.message().zh, "诊疗科目代码 99 不在国家诊疗科目名录中");
        assert_eq!(err.message().en, err.to_string());
        assert!(DepartmentCode::parse("03.99").is_err());
    }

    #[test]
    fn catalog_is_sorted_unique_well_formed_and_children_have_parents() {
        let cat = DepartmentCode::catalog();
        assert!(cat.windows(2).all(|w| w[0].0 < w[1].0), "sorted and unique");
        for (code, zh, en) in cat {
            let parsed = DepartmentCode::parse(code).unwrap();
            assert!(!zh.is_empty() && !en.is_empty());
            if code.contains('.') {
                assert!(parsed.parent().is_some(), "{code} has no parent");
            }
        }
    }

    #[test]
    fn catalog_contains_the_required_departments() {
        let required = [
            ("01", "预防保健科"),
            ("03.10", "老年病专业"),
            ("04.08", "整形外科专业"),
            ("05.02", "产科专业"),
            ("07", "儿科"),
            ("11", "耳鼻咽喉科"),
            ("20", "急诊医学科"),
            ("32", "医学影像科"),
            ("50", "中医科"),
        ];
        for (code, zh) in required {
            assert_eq!(DepartmentCode::parse(code).unwrap().catalog_name().zh, zh);
        }
        assert!(DepartmentCode::catalog().len() >= 40);
    }

    #[test]
    fn serde_validates() {
        let code: DepartmentCode = serde_json::from_str("\"04.03\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"04.03\"");
        assert!(serde_json::from_str::<DepartmentCode>("\"04.99\"").is_err());
    }
}
