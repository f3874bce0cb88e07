//! Who performed an external result: the institution's identifier (统一社会信用代码, checked
//! by its GB 32100-2015 check character, or the 医疗机构执业许可证登记号) and its level
//! (医院等级, e.g. 三级甲等).

use crate::i18n::Text;

/// The kinds of identifier an institution is known by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstitutionIdKind {
    /// 统一社会信用代码: 18 characters, the last a check character.
    CreditCode,
    /// 医疗机构执业许可证登记号.
    LicenceNumber,
}

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Whether an 18-character unified social credit code has its right check character.
pub fn credit_code_ok(code: &str) -> bool {
    let values: Option<Vec<u32>> = code
        .chars()
        .map(|c| CREDIT_CHARS.find(c).map(|i| i as u32))
        .collect();
    let Some(values) = values.filter(|v| v.len() == 18) else {
        return false;
    };
    let sum: u32 = values[..17]
        .iter()
        .zip(CREDIT_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    (31 - sum % 31) % 31 == values[17]
}

/// An institution's identifier, checked.
pub fn check_institution_id(kind: InstitutionIdKind, value: &str) -> Result<(), Text> {
    let ok = match kind {
        InstitutionIdKind::CreditCode => credit_code_ok(value),
        InstitutionIdKind::LicenceNumber => {
            (6..=40).contains(&value.len())
                && value
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        }
    };
    if ok {
        return Ok(());
    }
    Err(match kind {
        InstitutionIdKind::CreditCode => Text::new(
            format!("统一社会信用代码“{value}”格式或校验码不正确"),
            format!("The unified social credit code {value:?} has a wrong form or check character"),
        ),
        InstitutionIdKind::LicenceNumber => Text::new(
            format!("医疗机构执业许可证登记号“{value}”格式不正确（6–40 位大写字母或数字）"),
            format!(
                "The institution licence number {value:?} is not 6–40 upper-case letters or digits"
            ),
        ),
    })
}

/// The hospital levels of the grading system 医院等级评审 (three grades, each in classes).
pub const HOSPITAL_LEVELS: [&str; 10] = [
    "三级特等",
    "三级甲等",
    "三级乙等",
    "三级丙等",
    "二级甲等",
    "二级乙等",
    "二级丙等",
    "一级甲等",
    "一级乙等",
    "一级丙等",
];

pub fn hospital_level_ok(level: &str) -> bool {
    HOSPITAL_LEVELS.contains(&level)
}
