//! The reasons allowed for testing again although a recognised result exists (DOMAIN §7):
//! recorded with the order and told to the patient in plain words.

use crate::i18n::Text;

/// How long the doctor's free-text detail may be, in characters.
const DETAIL_MAX: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetestReason {
    /// The condition changed, or the earlier result does not fit the clinical picture.
    ConditionChanged,
    /// The value changes fast; a current one is needed.
    FastChanging,
    /// Before surgery or a transfusion.
    BeforeSurgery,
    Emergency,
    /// A legal or disability assessment 司法鉴定、伤残评定.
    LegalAssessment,
}

impl RetestReason {
    pub const ALL: [RetestReason; 5] = [
        RetestReason::ConditionChanged,
        RetestReason::FastChanging,
        RetestReason::BeforeSurgery,
        RetestReason::Emergency,
        RetestReason::LegalAssessment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RetestReason::ConditionChanged => "condition-changed",
            RetestReason::FastChanging => "fast-changing",
            RetestReason::BeforeSurgery => "before-surgery",
            RetestReason::Emergency => "emergency",
            RetestReason::LegalAssessment => "legal-assessment",
        }
    }

    pub fn from_code(code: &str) -> Option<RetestReason> {
        RetestReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The reason as the doctor picks it.
    pub fn label(self) -> Text {
        match self {
            RetestReason::ConditionChanged => Text::new(
                "病情变化或原结果与临床不符",
                "Condition changed, or the result does not fit",
            ),
            RetestReason::FastChanging => Text::new("指标变化快", "The value changes fast"),
            RetestReason::BeforeSurgery => {
                Text::new("手术或输血前", "Before surgery or transfusion")
            }
            RetestReason::Emergency => Text::new("急诊抢救", "Emergency"),
            RetestReason::LegalAssessment => {
                Text::new("司法鉴定或伤残评定", "Legal or disability assessment")
            }
        }
    }

    /// The reason as the patient reads it: why the test is done again.
    pub fn plain(self) -> Text {
        match self {
            RetestReason::ConditionChanged => Text::new(
                "您的病情有变化，或之前的结果与目前情况不符，需要重新检查。",
                "Your condition has changed, or the earlier result does not match how you are now, so the test is done again.",
            ),
            RetestReason::FastChanging => Text::new(
                "这项指标变化较快，医生需要今天的数值。",
                "This value changes quickly, so the doctor needs today's value.",
            ),
            RetestReason::BeforeSurgery => Text::new(
                "手术或输血前需要最新的结果。",
                "A current result is needed before surgery or a transfusion.",
            ),
            RetestReason::Emergency => Text::new(
                "急诊救治需要立即检查。",
                "Emergency care needs the test now.",
            ),
            RetestReason::LegalAssessment => Text::new(
                "司法鉴定或伤残评定需要本院的检查结果。",
                "A legal or disability assessment needs this hospital's own result.",
            ),
        }
    }
}

/// Why a retest's reason cannot be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetestRefusal {
    pub text: Text,
}

/// The doctor's free-text detail, trimmed, at most 200 characters; empty is none.
pub fn check_detail(detail: Option<&str>) -> Result<Option<String>, RetestRefusal> {
    let Some(detail) = detail.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    if detail.chars().count() > DETAIL_MAX {
        return Err(RetestRefusal {
            text: Text::new(
                format!("复查说明最多 {DETAIL_MAX} 个字"),
                format!("The detail is at most {DETAIL_MAX} characters"),
            ),
        });
    }
    if detail.chars().any(char::is_control) {
        return Err(RetestRefusal {
            text: Text::new(
                "复查说明含有控制字符",
                "The detail holds control characters",
            ),
        });
    }
    Ok(Some(detail.to_owned()))
}
