//! The hospital's price list (价格目录): the items it charges for, with their prices in fen,
//! imported by an administrator from a CSV file. A file is taken whole or not at all, so the
//! parser reports every bad line at once, each with its line number.

use serde::Serialize;

use crate::directory::RegistrationClass;
use crate::i18n::Text;
use crate::money::Money;

#[path = "price_line.rs"]
mod line;

use line::Parsed;
pub use line::{MAX_PRICE_FEN, is_valid_code};

pub use crate::csv_table::LineIssue;
use crate::csv_table::{TableShape, parse_table};

/// The header the file must start with (after its `#` comment lines).
pub const COLUMNS: [&str; 8] = [
    "code",
    "name_zh",
    "name_en",
    "category",
    "unit_zh",
    "unit_en",
    "price_yuan",
    "registration_class",
];

/// Longest file accepted, in lines (comments included): a provincial list of a large hospital
/// is a few thousand items.
pub const MAX_LINES: usize = 5_000;

/// What kind of thing an item is; the desk and the reports group by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PriceCategory {
    Registration,
    Material,
    Exam,
    Lab,
    Treatment,
    Drug,
    Other,
}

impl PriceCategory {
    pub const ALL: [PriceCategory; 7] = [
        Self::Registration,
        Self::Material,
        Self::Exam,
        Self::Lab,
        Self::Treatment,
        Self::Drug,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        self.names().0
    }

    pub fn label(self) -> Text {
        let (_, zh, en) = self.names();
        Text::new(zh, en)
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }

    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Registration => ("registration", "挂号诊察", "Registration"),
            Self::Material => ("material", "材料", "Materials"),
            Self::Exam => ("exam", "检查", "Examinations"),
            Self::Lab => ("lab", "检验", "Laboratory tests"),
            Self::Treatment => ("treatment", "治疗", "Treatments"),
            Self::Drug => ("drug", "药品", "Drugs"),
            Self::Other => ("other", "其他", "Other"),
        }
    }
}

/// One priced item. A registration item may name the registration class it is the list
/// price of (at most one item per class).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceItem {
    pub code: String,
    pub name: Text,
    pub category: PriceCategory,
    pub unit: Text,
    pub price: Money,
    pub registration_class: Option<RegistrationClass>,
}

/// Parses a price list: UTF-8 CSV (a byte-order mark is ignored), blank lines and lines
/// starting with `#` skipped, then the header [`COLUMNS`] and one item per line. Either every
/// item, or every line at fault. Prices are read as exact decimals, never through floating point.
pub fn parse_price_list(text: &str) -> Result<Vec<PriceItem>, Vec<LineIssue>> {
    let shape = TableShape {
        columns: &COLUMNS,
        max_lines: MAX_LINES,
        empty: Text::new(
            "文件中没有收费项目（导入空目录会清空价格目录）",
            "the file lists no items (importing it would empty the price list)",
        ),
    };
    let mut list = Parsed::default();
    parse_table(text, &shape, |fields, line| list.item(fields, line))
}

#[cfg(test)]
#[path = "price_list_tests.rs"]
mod tests;
