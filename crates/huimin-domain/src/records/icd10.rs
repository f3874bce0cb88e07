//! ICD-10 diagnosis codes in the layout of the national clinical edition (国家临床版 2.0):
//! WHO three- and four-character codes (`I10`, `J45.9`), the edition's six-character codes
//! (`I10.x00`, `J06.900`) and its extension codes (`I10.x00x002`). A hospital imports its own
//! licensed table (`parse_icd10_table`); the repository ships a demonstration seed
//! (`data/icd10/seed.csv`). The searchable table is [`Icd10Index`].

use std::fmt;

pub use crate::csv_table::LineIssue;
use crate::csv_table::{TableShape, parse_table};
use crate::i18n::Text;

#[path = "icd10_index.rs"]
mod index;

pub use index::{Icd10Hit, Icd10Index, Icd10Match};

/// A diagnosis code, canonical: upper-case category letter, lower-case `x` placeholders
/// (`i10.X00` is read as `I10.x00`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Icd10Code(String);

/// Why a text is not an ICD-10 code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an ICD-10 code: {0:?}")]
pub struct Icd10CodeError(pub String);

impl Icd10Code {
    /// Reads `A00`, `A00.0`, `A00.000` or `A00.000x000`, where each character after the dot
    /// but the last three of an extension may be a digit or the placeholder `x`.
    pub fn parse(raw: &str) -> Result<Self, Icd10CodeError> {
        let err = || Icd10CodeError(raw.chars().take(20).collect());
        let text = raw.trim();
        let chars: Vec<char> = text.chars().collect();
        if ![3, 5, 7, 11].contains(&chars.len()) {
            return Err(err());
        }
        let mut code = String::with_capacity(chars.len());
        for (i, c) in chars.iter().enumerate() {
            let ok = match i {
                0 => c.is_ascii_alphabetic(),
                1 | 2 => c.is_ascii_digit(),
                3 => *c == '.',
                4..=6 => c.is_ascii_digit() || c.eq_ignore_ascii_case(&'x'),
                7 => c.eq_ignore_ascii_case(&'x'),
                _ => c.is_ascii_digit(),
            };
            if !ok {
                return Err(err());
            }
            code.push(match i {
                0 => c.to_ascii_uppercase(),
                _ => c.to_ascii_lowercase(),
            });
        }
        Ok(Icd10Code(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The three-character category (`I10` of `I10.x00x002`).
    pub fn category(&self) -> &str {
        &self.0[..3]
    }

    /// The WHO chapter the category falls in.
    pub fn chapter(&self) -> Chapter {
        Chapter::of_category(self.category())
    }

    /// Whether this code is `prefix` or lies under it (`A15.000` under `A15` and `A15.0`;
    /// `A15` under `A1`): the way a list of codes names a group of diseases.
    pub fn starts_with(&self, prefix: &str) -> bool {
        let prefix = prefix.trim();
        self.0.len() >= prefix.len()
            && self.0.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    }
}

impl fmt::Display for Icd10Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A chapter of ICD-10 (WHO 2019 edition, as the clinical edition keeps them): I–XXII.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chapter(u8);

/// The chapters: the first category of each, its Chinese and English titles.
const CHAPTERS: [(&str, &str, &str); 22] = [
    (
        "A00",
        "某些传染病和寄生虫病",
        "Certain infectious and parasitic diseases",
    ),
    ("C00", "肿瘤", "Neoplasms"),
    (
        "D50",
        "血液及造血器官疾病和某些涉及免疫机制的疾患",
        "Diseases of the blood and immune mechanism",
    ),
    (
        "E00",
        "内分泌、营养和代谢疾病",
        "Endocrine, nutritional and metabolic diseases",
    ),
    ("F00", "精神和行为障碍", "Mental and behavioural disorders"),
    ("G00", "神经系统疾病", "Diseases of the nervous system"),
    ("H00", "眼和附器疾病", "Diseases of the eye and adnexa"),
    (
        "H60",
        "耳和乳突疾病",
        "Diseases of the ear and mastoid process",
    ),
    ("I00", "循环系统疾病", "Diseases of the circulatory system"),
    ("J00", "呼吸系统疾病", "Diseases of the respiratory system"),
    ("K00", "消化系统疾病", "Diseases of the digestive system"),
    (
        "L00",
        "皮肤和皮下组织疾病",
        "Diseases of the skin and subcutaneous tissue",
    ),
    (
        "M00",
        "肌肉骨骼系统和结缔组织疾病",
        "Diseases of the musculoskeletal system and connective tissue",
    ),
    (
        "N00",
        "泌尿生殖系统疾病",
        "Diseases of the genitourinary system",
    ),
    (
        "O00",
        "妊娠、分娩和产褥期",
        "Pregnancy, childbirth and the puerperium",
    ),
    (
        "P00",
        "起源于围生期的某些情况",
        "Certain conditions originating in the perinatal period",
    ),
    (
        "Q00",
        "先天性畸形、变形和染色体异常",
        "Congenital malformations and chromosomal abnormalities",
    ),
    (
        "R00",
        "症状、体征和临床与实验室异常所见，不可归类在他处者",
        "Symptoms, signs and abnormal findings, not elsewhere classified",
    ),
    (
        "S00",
        "损伤、中毒和外因的某些其他后果",
        "Injury, poisoning and certain other consequences of external causes",
    ),
    (
        "V01",
        "疾病和死亡的外因",
        "External causes of morbidity and mortality",
    ),
    (
        "Z00",
        "影响健康状态和与保健机构接触的因素",
        "Factors influencing health status and contact with health services",
    ),
    ("U00", "用于特殊目的的编码", "Codes for special purposes"),
];

const ROMAN: [&str; 22] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
    "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII",
];

impl Chapter {
    /// The chapter of a three-character category (`D48` in II, `D50` in III, `U07` in XXII).
    pub fn of_category(category: &str) -> Chapter {
        let category = category.get(..3).unwrap_or(category);
        if category.starts_with('U') {
            return Chapter(22);
        }
        let at = CHAPTERS[..21]
            .iter()
            .rposition(|(first, _, _)| *first <= category)
            .unwrap_or(0);
        Chapter(at as u8 + 1)
    }

    /// From `IX` or `9`.
    pub fn parse(raw: &str) -> Option<Chapter> {
        let raw = raw.trim();
        if let Ok(n @ 1..=22) = raw.parse::<u8>() {
            return Some(Chapter(n));
        }
        let upper = raw.to_ascii_uppercase();
        ROMAN
            .iter()
            .position(|r| *r == upper)
            .map(|i| Chapter(i as u8 + 1))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    /// `IX`: the form tables and answers use.
    pub fn roman(self) -> &'static str {
        ROMAN[usize::from(self.0 - 1)]
    }

    pub fn title(self) -> Text {
        let (_, zh, en) = CHAPTERS[usize::from(self.0 - 1)];
        Text::new(zh, en)
    }
}

/// One row of the code table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Icd10Entry {
    pub code: Icd10Code,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub chapter: Chapter,
}

impl Icd10Entry {
    /// The three-character category.
    pub fn category(&self) -> &str {
        self.code.category()
    }
}

/// The header a table file starts with (after its `#` comment lines).
pub const COLUMNS: [&str; 4] = ["code", "name_zh", "name_en", "chapter"];

/// Longest table accepted, in lines: the clinical edition 2.0 with a hospital's extensions is
/// about 40,000 codes.
pub const MAX_LINES: usize = 100_000;

const MAX_NAME_CHARS: usize = 120;

/// Parses a code table: UTF-8 CSV (a byte-order mark is ignored), blank lines and lines
/// starting with `#` skipped, the header [`COLUMNS`], then one code per line. `chapter` may be
/// left blank (it follows from the code) but, when given, must agree with it. Either every
/// code, or every line at fault, each with its line number as an editor shows it.
pub fn parse_icd10_table(text: &str) -> Result<Vec<Icd10Entry>, Vec<LineIssue>> {
    let shape = TableShape {
        columns: &COLUMNS,
        max_lines: MAX_LINES,
        empty: Text::new(
            "文件中没有编码（导入空表会清空编码表）",
            "the file lists no codes (importing it would empty the code table)",
        ),
    };
    let mut seen = std::collections::HashMap::new();
    parse_table(text, &shape, |fields, line| {
        let entry = entry(fields)?;
        if let Some(first) = seen.insert(entry.code.clone(), line) {
            return Err(Text::new(
                format!("编码“{}”与第 {first} 行重复", entry.code),
                format!("code {} is already on line {first}", entry.code),
            ));
        }
        Ok(entry)
    })
}

fn entry(fields: &[&str]) -> Result<Icd10Entry, Text> {
    let field = |i: usize| fields.get(i).copied().unwrap_or_default();
    let code = Icd10Code::parse(field(0)).map_err(|_| {
        Text::new(
            format!(
                "编码“{}”不是 ICD-10 编码（如 I10、J45.9、I10.x00、I10.x00x002）",
                field(0)
            ),
            format!(
                "{:?} is not an ICD-10 code (such as I10, J45.9, I10.x00, I10.x00x002)",
                field(0)
            ),
        )
    })?;
    let name_zh = field(1);
    if name_zh.is_empty() || name_zh.chars().count() > MAX_NAME_CHARS {
        return Err(Text::new(
            format!("中文名称须为 1 到 {MAX_NAME_CHARS} 个字"),
            format!("the Chinese name must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    let name_en = field(2);
    if name_en.chars().count() > MAX_NAME_CHARS {
        return Err(Text::new(
            format!("英文名称最多 {MAX_NAME_CHARS} 个字符"),
            format!("the English name must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let chapter = match field(3) {
        "" => code.chapter(),
        given => match Chapter::parse(given) {
            Some(chapter) if chapter == code.chapter() => chapter,
            _ => {
                let expected = code.chapter().roman();
                return Err(Text::new(
                    format!("章“{given}”与编码 {code} 不符，应为 {expected}（或留空）"),
                    format!("chapter {given:?} does not fit code {code}: {expected} (or blank)"),
                ));
            }
        },
    };
    Ok(Icd10Entry {
        code,
        name_zh: name_zh.to_owned(),
        name_en: (!name_en.is_empty()).then(|| name_en.to_owned()),
        chapter,
    })
}

#[cfg(test)]
#[path = "icd10_tests.rs"]
mod tests;
