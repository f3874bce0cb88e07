//! The orderable catalogue 检查检验项目目录: `data/orderables.toml`, one table per item (code,
//! names, category, specimen or device, the price-list line it is charged as and its price in
//! fen, preparation, turnaround, the LOINC order code where the hospital maps one). Parsed
//! whole and checked before anything uses it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::i18n::Text;
use crate::money::Money;
use crate::recognition::RecognitionSetting;
use crate::search::{Field, PinyinIndex};

const BUILTIN: &str = include_str!("../../data/orderables.toml");

/// What kind of service an order asks for: who performs it and what its steps are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderCategory {
    /// A specimen is collected, then analysed (检验).
    Lab,
    /// Performed on a device in imaging (检查: X-ray, ultrasound).
    Imaging,
    /// Performed on a device elsewhere (ECG).
    Exam,
}

impl OrderCategory {
    pub const ALL: [OrderCategory; 3] = [
        OrderCategory::Lab,
        OrderCategory::Imaging,
        OrderCategory::Exam,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrderCategory::Lab => "lab",
            OrderCategory::Imaging => "imaging",
            OrderCategory::Exam => "exam",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            OrderCategory::Lab => Text::new("检验", "Lab"),
            OrderCategory::Imaging => Text::new("影像", "Imaging"),
            OrderCategory::Exam => Text::new("检查", "Exam"),
        }
    }

    /// The price list's category its charge falls under.
    pub fn price_category(self) -> &'static str {
        match self {
            OrderCategory::Lab => "lab",
            OrderCategory::Imaging | OrderCategory::Exam => "exam",
        }
    }

    /// FHIR `ServiceRequest.category` (SNOMED CT): laboratory procedure, imaging, or
    /// diagnostic procedure.
    pub fn snomed(self) -> (&'static str, &'static str) {
        match self {
            OrderCategory::Lab => ("108252007", "Laboratory procedure"),
            OrderCategory::Imaging => ("363679005", "Imaging"),
            OrderCategory::Exam => ("103693007", "Diagnostic procedure"),
        }
    }
}

/// One item a doctor may order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orderable {
    pub code: String,
    pub name: Text,
    pub category: OrderCategory,
    /// The specimen (lab) or the device (imaging, exam).
    pub specimen_or_device: Text,
    /// The price-list line the order is charged as.
    pub price_code: String,
    pub price: Money,
    pub preparation: Text,
    pub turnaround_hours: u32,
    pub loinc: Option<String>,
    /// Mutual recognition's default for the item (an administrator may override it).
    pub recognition: RecognitionSetting,
}

impl Orderable {
    /// Lab items are collected (a specimen), the others performed.
    pub fn is_collected(&self) -> bool {
        self.category == OrderCategory::Lab
    }
}

/// Why the catalogue cannot be used: the item and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueProblem {
    pub item: String,
    pub text: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    name_zh: String,
    name_en: String,
    category: String,
    specimen_zh: Option<String>,
    specimen_en: Option<String>,
    device_zh: Option<String>,
    device_en: Option<String>,
    price_code: String,
    price_fen: i64,
    preparation_zh: String,
    preparation_en: String,
    turnaround_hours: u32,
    loinc: Option<String>,
    recognised: bool,
    recognition_scope: String,
    recognition_window_days: i64,
}

/// The catalogue: items by code, searchable by name, pinyin or code.
#[derive(Clone, Debug)]
pub struct Catalogue {
    items: BTreeMap<String, Orderable>,
}

fn code_ok(code: &str) -> bool {
    (3..=20).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-')
        && !code.ends_with('-')
}

/// A LOINC code: digits, a hyphen, one check digit.
fn loinc_ok(code: &str) -> bool {
    match code.split_once('-') {
        Some((num, check)) => {
            (1..=7).contains(&num.len())
                && num.chars().all(|c| c.is_ascii_digit())
                && check.len() == 1
                && check.chars().all(|c| c.is_ascii_digit())
                && loinc_check_digit(num) == check.chars().next().and_then(|c| c.to_digit(10))
        }
        None => false,
    }
}

/// LOINC's mod-10 check digit (the Luhn variant LOINC documents).
fn loinc_check_digit(num: &str) -> Option<u32> {
    let digits: Vec<u32> = num.chars().filter_map(|c| c.to_digit(10)).collect();
    let mut sum = 0;
    for (i, d) in digits.iter().rev().enumerate() {
        let v = if i % 2 == 0 { d * 2 } else { *d };
        sum += v / 10 + v % 10;
    }
    Some((10 - sum % 10) % 10)
}

fn problem(item: &str, zh: impl Into<String>, en: impl Into<String>) -> CatalogueProblem {
    CatalogueProblem {
        item: item.to_owned(),
        text: Text::new(zh, en),
    }
}

fn item_of(code: &str, raw: RawItem) -> Result<Orderable, CatalogueProblem> {
    if !code_ok(code) {
        return Err(problem(
            code,
            "项目代码只能由大写字母、数字和连字符组成（3–20 个字符）",
            "An item code is 3–20 upper-case letters, digits and hyphens",
        ));
    }
    let category = OrderCategory::from_code(&raw.category).ok_or_else(|| {
        problem(
            code,
            format!("未知类别“{}”，应为 lab、imaging 或 exam", raw.category),
            format!("Unknown category {:?}: lab, imaging or exam", raw.category),
        )
    })?;
    let (zh, en) = match category {
        OrderCategory::Lab => (raw.specimen_zh, raw.specimen_en),
        _ => (raw.device_zh, raw.device_en),
    };
    let (Some(zh), Some(en)) = (
        zh.filter(|s| !s.trim().is_empty()),
        en.filter(|s| !s.trim().is_empty()),
    ) else {
        return Err(problem(
            code,
            "检验项目须写明标本（specimen_zh/_en），检查项目须写明设备（device_zh/_en）",
            "A lab item names its specimen (specimen_zh/_en), other items their device (device_zh/_en)",
        ));
    };
    if raw.name_zh.trim().is_empty() || raw.name_en.trim().is_empty() {
        return Err(problem(
            code,
            "项目须有中英文名称",
            "An item needs a Chinese and an English name",
        ));
    }
    let price = Money::from_fen(raw.price_fen)
        .ok()
        .filter(|m| m.fen() > 0)
        .ok_or_else(|| {
            problem(
                code,
                "价格须为正数（分）",
                "The price must be a positive number of fen",
            )
        })?;
    if raw.price_code.trim().is_empty() {
        return Err(problem(
            code,
            "须写明收费项目代码",
            "Name the price-list line (price_code)",
        ));
    }
    if !(1..=24 * 14).contains(&raw.turnaround_hours) {
        return Err(problem(
            code,
            "报告时限须在 1 至 336 小时之间",
            "The turnaround must be 1 to 336 hours",
        ));
    }
    if let Some(l) = &raw.loinc
        && !loinc_ok(l)
    {
        return Err(problem(
            code,
            format!("LOINC 代码“{l}”格式或校验位不正确"),
            format!("LOINC code {l:?} has a wrong form or check digit"),
        ));
    }
    let recognition = RecognitionSetting::parse(
        raw.recognised,
        &raw.recognition_scope,
        raw.recognition_window_days,
    )
    .map_err(|r| CatalogueProblem {
        item: code.to_owned(),
        text: r.text,
    })?;
    Ok(Orderable {
        code: code.to_owned(),
        name: Text::new(raw.name_zh.trim(), raw.name_en.trim()),
        category,
        specimen_or_device: Text::new(zh.trim(), en.trim()),
        price_code: raw.price_code.trim().to_owned(),
        price,
        preparation: Text::new(raw.preparation_zh.trim(), raw.preparation_en.trim()),
        turnaround_hours: raw.turnaround_hours,
        loinc: raw.loinc,
        recognition,
    })
}

impl Catalogue {
    /// Parses and checks a catalogue file; every item's problem is reported.
    pub fn parse(text: &str) -> Result<Catalogue, Vec<CatalogueProblem>> {
        let raw: BTreeMap<String, RawItem> = toml::from_str(text).map_err(|e| {
            vec![problem(
                "",
                format!("目录文件无法解析：{}", e.message()),
                format!("The catalogue cannot be read: {}", e.message()),
            )]
        })?;
        let mut items = BTreeMap::new();
        let mut problems = Vec::new();
        for (code, raw) in raw {
            match item_of(&code, raw) {
                Ok(item) => {
                    items.insert(code, item);
                }
                Err(p) => problems.push(p),
            }
        }
        if items.is_empty() && problems.is_empty() {
            problems.push(problem("", "目录为空", "The catalogue is empty"));
        }
        if problems.is_empty() {
            Ok(Catalogue { items })
        } else {
            Err(problems)
        }
    }

    /// The catalogue shipped in `data/orderables.toml`.
    pub fn builtin() -> Catalogue {
        Catalogue::parse(BUILTIN).expect("data/orderables.toml is checked by its tests")
    }

    pub fn get(&self, code: &str) -> Option<&Orderable> {
        self.items.get(code)
    }

    pub fn all(&self) -> impl Iterator<Item = &Orderable> {
        self.items.values()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The pinyin index over names (Chinese and English) and codes.
    pub fn index(&self) -> PinyinIndex<String> {
        let mut index = PinyinIndex::new();
        for item in self.items.values() {
            index.add(item.code.clone(), Field::Name, &item.name.zh);
            index.add(item.code.clone(), Field::Alias, &item.name.en);
            index.add(item.code.clone(), Field::Detail, &item.code);
        }
        index
    }

    /// Items matching what was typed (all of them, in code order, for an empty query), of
    /// one category if given.
    pub fn search(&self, query: &str, category: Option<OrderCategory>) -> Vec<&Orderable> {
        let wanted = |i: &&Orderable| category.is_none_or(|c| i.category == c);
        if query.trim().is_empty() {
            return self.items.values().filter(wanted).collect();
        }
        let mut seen = Vec::new();
        for hit in self.index().search(query) {
            if let Some(item) = self.items.get(&hit.key)
                && wanted(&item)
                && !seen.iter().any(|s: &&Orderable| s.code == item.code)
            {
                seen.push(item);
            }
        }
        seen
    }
}
