//! The report card's fields (the national 传染病报告卡, as far as an outpatient clinic fills
//! them in) and the checks a card passes before it is submitted. A draft may be incomplete;
//! a submitted card has every required field.
//!
//! Kept: patient name, parent's name (children under 14), sex, birth date, ID number (shown
//! masked), occupation (the card's 人群分类), current address, phone, onset date, diagnosis
//! time (from the diagnosis), case classification, disease, reporting doctor and department
//! (from who opened the card), remarks. Not kept: work unit, the laboratory-confirmation
//! block, revision and death fields (the national system adds them).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::i18n::Text;
use crate::identity::ResidentId;

/// Case classification (病例分类).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseClass {
    /// 疑似病例
    Suspected,
    /// 临床诊断病例
    Clinical,
    /// 确诊病例
    Confirmed,
    /// 病原携带者
    Carrier,
}

impl CaseClass {
    pub const ALL: [CaseClass; 4] = [
        CaseClass::Suspected,
        CaseClass::Clinical,
        CaseClass::Confirmed,
        CaseClass::Carrier,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseClass::Suspected => "suspected",
            CaseClass::Clinical => "clinical",
            CaseClass::Confirmed => "confirmed",
            CaseClass::Carrier => "carrier",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            CaseClass::Suspected => Text::new("疑似病例", "Suspected case"),
            CaseClass::Clinical => Text::new("临床诊断病例", "Clinically diagnosed case"),
            CaseClass::Confirmed => Text::new("确诊病例", "Confirmed case"),
            CaseClass::Carrier => Text::new("病原携带者", "Carrier"),
        }
    }
}

/// The card's 人群分类 (occupation), codes and names as the national card lists them.
pub const OCCUPATIONS: [(&str, &str, &str); 20] = [
    ("nursery-child", "幼托儿童", "Child in nursery"),
    ("scattered-child", "散居儿童", "Child at home"),
    ("student", "学生（大中小学）", "Student"),
    ("teacher", "教师", "Teacher"),
    ("childcare", "保育员及保姆", "Childcare worker"),
    ("catering", "餐饮食品业", "Catering and food"),
    ("public-service", "公共场所服务员", "Public-place service"),
    ("commerce", "商业服务", "Commerce"),
    ("medical", "医务人员", "Medical staff"),
    ("worker", "工人", "Worker"),
    ("migrant-worker", "民工", "Migrant worker"),
    ("farmer", "农民", "Farmer"),
    ("herdsman", "牧民", "Herdsman"),
    ("fisherman", "渔（船）民", "Fisherman"),
    ("seafarer", "海员及船舶工作人员", "Seafarer"),
    ("clerk", "干部职员", "Office worker"),
    ("retired", "离退人员", "Retired"),
    ("housework", "家务及待业", "Housework or unemployed"),
    ("other", "其他", "Other"),
    ("unknown", "不详", "Unknown"),
];

/// What the doctor fills in. Every field may be empty in a draft.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CardFields {
    pub patient_name: String,
    pub parent_name: String,
    /// `male` or `female`.
    pub sex: String,
    pub birth_date: Option<Date>,
    pub id_number: String,
    pub occupation: String,
    pub address: String,
    pub phone: String,
    pub onset_date: Option<Date>,
    pub case_class: Option<CaseClass>,
    pub remarks: String,
}

/// A field that stops a card from being submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: &'static str,
    pub text: Text,
}

fn issue(field: &'static str, zh: &str, en: &str) -> FieldIssue {
    FieldIssue {
        field,
        text: Text::new(zh, en),
    }
}

/// Longest free text kept in a field.
pub const MAX_TEXT_CHARS: usize = 200;

/// Checks a card before it is submitted; every problem, each naming its field.
/// `diagnosed_on` is the diagnosis date in the hospital's zone, `today` the hospital's today.
pub fn check_for_submit(
    card: &CardFields,
    diagnosed_on: Date,
    today: Date,
) -> Result<(), Vec<FieldIssue>> {
    let mut issues = check_lengths(card);
    if card.patient_name.trim().is_empty() {
        issues.push(issue(
            "patient_name",
            "请填写患者姓名",
            "Enter the patient's name",
        ));
    }
    if !matches!(card.sex.as_str(), "male" | "female") {
        issues.push(issue("sex", "请选择性别", "Choose the sex"));
    }
    match card.birth_date {
        None => issues.push(issue(
            "birth_date",
            "请填写出生日期",
            "Enter the birth date",
        )),
        Some(birth) if birth > today => issues.push(issue(
            "birth_date",
            "出生日期不能晚于今天",
            "The birth date cannot be after today",
        )),
        Some(birth) => {
            let age = birth.until(today).ok().and_then(|s| {
                s.total((jiff::Unit::Year, birth))
                    .ok()
                    .map(|y| y.floor() as i64)
            });
            if age.is_some_and(|a| a < 14) && card.parent_name.trim().is_empty() {
                issues.push(issue(
                    "parent_name",
                    "14 岁以下患儿须填写家长姓名",
                    "Enter a parent's name for a child under 14",
                ));
            }
        }
    }
    let id = card.id_number.trim();
    if id.is_empty() {
        issues.push(issue(
            "id_number",
            "请填写有效证件号",
            "Enter the ID number",
        ));
    } else if id.len() == 18 && ResidentId::parse(id, today).is_err() {
        issues.push(issue(
            "id_number",
            "身份证号码校验不通过",
            "The resident ID number does not check out",
        ));
    }
    if !OCCUPATIONS
        .iter()
        .any(|(code, _, _)| *code == card.occupation)
    {
        issues.push(issue(
            "occupation",
            "请选择人群分类",
            "Choose the occupation",
        ));
    }
    if card.address.trim().is_empty() {
        issues.push(issue(
            "address",
            "请填写现住址",
            "Enter the current address",
        ));
    }
    if card.phone.trim().is_empty() {
        issues.push(issue("phone", "请填写联系电话", "Enter a phone number"));
    }
    match card.onset_date {
        None => issues.push(issue(
            "onset_date",
            "请填写发病日期",
            "Enter the onset date",
        )),
        Some(onset) if onset > diagnosed_on => issues.push(issue(
            "onset_date",
            "发病日期不能晚于诊断日期",
            "The onset date cannot be after the diagnosis",
        )),
        Some(onset) if card.birth_date.is_some_and(|b| onset < b) => issues.push(issue(
            "onset_date",
            "发病日期不能早于出生日期",
            "The onset date cannot be before the birth date",
        )),
        Some(_) => {}
    }
    if card.case_class.is_none() {
        issues.push(issue(
            "case_class",
            "请选择病例分类",
            "Choose the case classification",
        ));
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

/// Free texts longer than [`MAX_TEXT_CHARS`]: refused in drafts too.
pub fn check_lengths(card: &CardFields) -> Vec<FieldIssue> {
    let texts = [
        ("patient_name", &card.patient_name),
        ("parent_name", &card.parent_name),
        ("id_number", &card.id_number),
        ("address", &card.address),
        ("phone", &card.phone),
        ("remarks", &card.remarks),
    ];
    texts
        .into_iter()
        .filter(|(_, t)| t.chars().count() > MAX_TEXT_CHARS)
        .map(|(field, _)| FieldIssue {
            field,
            text: Text::new(
                format!("最多 {MAX_TEXT_CHARS} 个字"),
                format!("At most {MAX_TEXT_CHARS} characters"),
            ),
        })
        .collect()
}
