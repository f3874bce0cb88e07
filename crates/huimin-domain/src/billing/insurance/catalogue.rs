//! The insurance catalogue (`data/insurance-catalogue.csv`): the class (甲/乙/丙) of each
//! price-list item and formulary drug, with defaults per price category. A code the file does
//! not reach is self-funded, as an uncatalogued item is in every scheme.

use std::collections::HashMap;

use super::types::{ItemClass, Rate};
use crate::billing::price_list::{PriceCategory, is_valid_code};
use crate::csv_table::{LineIssue, TableShape, parse_table};
use crate::i18n::Text;

/// The shipped demonstration catalogue (演示规则).
pub const SEED: &str = include_str!("../../../data/insurance-catalogue.csv");

pub const COLUMNS: [&str; 5] = ["scope", "code", "class", "first_self_pay_pct", "name_zh"];

/// A regional catalogue maps tens of thousands of drugs and services.
pub const MAX_LINES: usize = 100_000;

/// The parsed catalogue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalogue {
    codes: HashMap<String, ItemClass>,
    categories: HashMap<PriceCategory, ItemClass>,
}

impl Catalogue {
    /// The class of an item: its own row, else its category's row, else self-funded.
    /// Drugs are looked up with `Some(PriceCategory::Drug)`.
    pub fn class_of(&self, code: &str, category: Option<PriceCategory>) -> ItemClass {
        self.codes
            .get(code)
            .or_else(|| category.and_then(|c| self.categories.get(&c)))
            .copied()
            .unwrap_or(ItemClass::SelfFunded)
    }

    /// The codes the file names (items and drugs), for checks against the price list.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.codes.keys().map(String::as_str)
    }

    pub fn demo() -> Result<Catalogue, Vec<LineIssue>> {
        parse_catalogue(SEED)
    }
}

enum Key {
    Code(String),
    Category(PriceCategory),
}

/// Parses a catalogue file: every row, or every line at fault (a key named twice included).
pub fn parse_catalogue(text: &str) -> Result<Catalogue, Vec<LineIssue>> {
    let shape = TableShape {
        columns: &COLUMNS,
        max_lines: MAX_LINES,
        empty: Text::new(
            "文件中没有目录条目（导入空目录会使所有项目变为自费）",
            "the file has no rows (importing it would make every item self-funded)",
        ),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let rows = parse_table(text, &shape, |f, line| {
        let key = key(f[0], f[1])?;
        let class = class(f[2], f[3])?;
        let name = format!("{}:{}", f[0] == "category", f[1]);
        if let Some(first) = seen.get(&name) {
            return Err(Text::new(
                format!("“{}”与第 {first} 行重复", f[1]),
                format!("{:?} is already on line {first}", f[1]),
            ));
        }
        seen.insert(name, line);
        Ok((key, class))
    })?;
    let mut catalogue = Catalogue::default();
    for (key, class) in rows {
        match key {
            Key::Code(code) => catalogue.codes.insert(code, class),
            Key::Category(c) => catalogue.categories.insert(c, class),
        };
    }
    Ok(catalogue)
}

fn key(scope: &str, code: &str) -> Result<Key, Text> {
    match scope {
        "item" | "drug" if is_valid_code(code) => Ok(Key::Code(code.to_owned())),
        "item" | "drug" => Err(Text::new(
            format!("编码“{code}”无效：只能使用字母、数字和 . _ -"),
            format!("code {code:?} is invalid: letters, digits and . _ - only"),
        )),
        "category" => PriceCategory::from_code(code)
            .map(Key::Category)
            .ok_or_else(|| {
                let known = PriceCategory::ALL.map(PriceCategory::code).join(", ");
                Text::new(
                    format!("类别“{code}”无效，应为 {known} 之一"),
                    format!("unknown category {code:?}; use one of {known}"),
                )
            }),
        _ => Err(Text::new(
            format!("范围“{scope}”无效，应为 item、drug 或 category"),
            format!("unknown scope {scope:?}; use item, drug or category"),
        )),
    }
}

fn class(class: &str, pct: &str) -> Result<ItemClass, Text> {
    match (class, pct) {
        ("a", "") => Ok(ItemClass::A),
        ("c", "") => Ok(ItemClass::SelfFunded),
        ("b", "") => Ok(ItemClass::B {
            first_self_pay: None,
        }),
        ("b", pct) => pct
            .parse::<u32>()
            .ok()
            .and_then(Rate::from_percent)
            .map(|r| ItemClass::B {
                first_self_pay: Some(r),
            })
            .ok_or_else(|| {
                Text::new(
                    format!("先行自付比例“{pct}”无效，应为 0 到 100 的整数"),
                    format!("first self-pay share {pct:?} must be a whole number 0 to 100"),
                )
            }),
        ("a" | "c", _) => Err(Text::new(
            "只有乙类（b）项目可以填写先行自付比例",
            "only class b items may name a first self-pay share",
        )),
        _ => Err(Text::new(
            format!("类别“{class}”无效，应为 a（甲类）、b（乙类）或 c（丙类/自费）"),
            format!("unknown class {class:?}; use a, b or c"),
        )),
    }
}

#[cfg(test)]
#[path = "catalogue_tests.rs"]
mod tests;
