//! The drug–drug interaction table 药物相互作用表 (`data/drug-interactions.csv`): pairs of an
//! ingredient or an ATC class prefix, each with a severity, its effect and what to do. The
//! table is data a pharmacist maintains; the `interaction` check only reads it.

use std::collections::HashMap;

use super::drug::{Drug, vocabulary};
use crate::csv_table::{LineIssue, TableShape, parse_table};
use crate::i18n::Text;

/// The shipped seed (demonstration data: a hospital pharmacist reviews it before use).
pub const SEED: &str = include_str!("../../../../data/drug-interactions.csv");

/// The header the file must have.
pub const COLUMNS: [&str; 8] = [
    "a",
    "b",
    "severity",
    "effect_zh",
    "effect_en",
    "advice_zh",
    "advice_en",
    "source",
];

/// Longest file accepted, in lines: the largest commercial tables hold a few thousand pairs.
pub const MAX_LINES: usize = 20_000;

/// Longest text field: one sentence, not a monograph.
const MAX_TEXT_CHARS: usize = 300;

vocabulary! {
    /// How serious an interaction is; it decides whether the check blocks or warns.
    InteractionSeverity {
        Contraindicated => ("contraindicated", "禁忌合用", "contraindicated"),
        Major => ("major", "严重", "major"),
        Moderate => ("moderate", "中等", "moderate"),
    }
}

/// One side of a pair: an ingredient (lower-case INN) or a WHO ATC class prefix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Ingredient(String),
    /// `M01A`: every drug whose ATC code starts with it.
    Atc(String),
}

impl Side {
    /// Reads `warfarin` or `atc:M01A`.
    pub fn parse(field: &str) -> Result<Side, Text> {
        if let Some(prefix) = field.strip_prefix("atc:") {
            let prefix = prefix.trim();
            return if is_atc_prefix(prefix) {
                Ok(Side::Atc(prefix.to_owned()))
            } else {
                Err(Text::new(
                    format!(
                        "ATC 类别“{prefix}”无效：应为 ATC 代码的 1、3、4、5 或 7 位前缀（如 atc:M01A）"
                    ),
                    format!(
                        "ATC class {prefix:?} is invalid: use a 1, 3, 4, 5 or 7 character ATC prefix (atc:M01A)"
                    ),
                ))
            };
        }
        if field.is_empty()
            || field.chars().count() > 100
            || field.chars().any(|c| c.is_ascii_uppercase() || c == ':')
        {
            return Err(Text::new(
                format!("成分“{field}”无效：应为小写英文通用名（INN），或 atc: 加 ATC 类别"),
                format!(
                    "ingredient {field:?} is invalid: use a lower-case INN, or atc: and an ATC class"
                ),
            ));
        }
        Ok(Side::Ingredient(field.to_owned()))
    }

    /// The key it is indexed by: the ingredient, or `atc:` and the prefix.
    fn key(&self) -> String {
        match self {
            Side::Ingredient(name) => name.clone(),
            Side::Atc(prefix) => format!("atc:{prefix}"),
        }
    }

    /// Whether the drug has this ingredient or belongs to this ATC class.
    pub fn matches(&self, drug: &Drug) -> bool {
        match self {
            Side::Ingredient(name) => drug
                .ingredients
                .iter()
                .any(|i| i.eq_ignore_ascii_case(name)),
            Side::Atc(prefix) => drug
                .atc
                .as_deref()
                .is_some_and(|atc| atc.starts_with(prefix.as_str())),
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key())
    }
}

/// The ATC code's levels end at 1, 3, 4, 5 and 7 characters: `N`, `N02`, `N02B`, `N02BE`,
/// `N02BE01` — letter, two digits, two letters, two digits.
fn is_atc_prefix(prefix: &str) -> bool {
    let bytes = prefix.as_bytes();
    matches!(bytes.len(), 1 | 3 | 4 | 5 | 7)
        && bytes.iter().enumerate().all(|(i, b)| match i {
            0 | 3 | 4 => b.is_ascii_uppercase(),
            _ => b.is_ascii_digit(),
        })
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interaction {
    pub a: Side,
    pub b: Side,
    pub severity: InteractionSeverity,
    pub effect: Text,
    pub advice: Text,
    pub source: String,
}

impl Interaction {
    /// Whether the row is about these two drugs, in either order.
    pub fn concerns(&self, x: &Drug, y: &Drug) -> bool {
        (self.a.matches(x) && self.b.matches(y)) || (self.a.matches(y) && self.b.matches(x))
    }
}

/// The table, indexed by side so a pair is looked up without scanning every row: the check
/// runs as the doctor types.
#[derive(Clone, Debug, Default)]
pub struct Interactions {
    rows: Vec<Interaction>,
    /// Side key → rows naming it (on either side).
    by_side: HashMap<String, Vec<usize>>,
}

impl Interactions {
    pub fn new(rows: Vec<Interaction>) -> Interactions {
        let mut by_side: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            by_side.entry(row.a.key()).or_default().push(i);
            by_side.entry(row.b.key()).or_default().push(i);
        }
        Interactions { rows, by_side }
    }

    pub fn rows(&self) -> &[Interaction] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows about these two drugs (any ingredient or ATC class of one with any of the
    /// other, either order), most severe first, each once.
    pub fn between(&self, x: &Drug, y: &Drug) -> Vec<&Interaction> {
        let mut found: Vec<usize> = side_keys(x)
            .iter()
            .filter_map(|key| self.by_side.get(key))
            .flatten()
            .copied()
            .filter(|&i| self.rows[i].concerns(x, y))
            .collect();
        found.sort_unstable();
        found.dedup();
        let mut rows: Vec<&Interaction> = found.into_iter().map(|i| &self.rows[i]).collect();
        // Contraindicated is declared first, so ascending order is most severe first.
        rows.sort_by_key(|row| row.severity);
        rows
    }
}

/// The keys a drug is indexed under: its ingredients and every level of its ATC code.
fn side_keys(drug: &Drug) -> Vec<String> {
    let mut keys: Vec<String> = drug.ingredients.iter().map(|i| i.to_lowercase()).collect();
    if let Some(atc) = drug.atc.as_deref() {
        for len in [1, 3, 4, 5, 7] {
            if let Some(prefix) = atc.get(..len) {
                keys.push(format!("atc:{prefix}"));
            }
        }
    }
    keys
}

fn text_field(fields: &[&str], index: usize) -> Result<String, Text> {
    let value = fields[index];
    let name = COLUMNS[index];
    if value.is_empty() || value.chars().count() > MAX_TEXT_CHARS {
        return Err(Text::new(
            format!("{name} 列不能为空，且最多 {MAX_TEXT_CHARS} 个字符"),
            format!("{name} must not be empty and may hold {MAX_TEXT_CHARS} characters at most"),
        ));
    }
    Ok(value.to_owned())
}

fn side_field(fields: &[&str], index: usize) -> Result<Side, Text> {
    Side::parse(fields[index]).map_err(|why| {
        let name = COLUMNS[index];
        Text::new(
            format!("{name} 列：{}", why.zh),
            format!("{name}: {}", why.en),
        )
    })
}

fn row(fields: &[&str]) -> Result<Interaction, Text> {
    let (a, b) = (side_field(fields, 0)?, side_field(fields, 1)?);
    if a == b {
        return Err(Text::new(
            format!("a 与 b 相同（{a}）：一种药物不与自身相互作用"),
            format!("a and b are the same ({a}): a drug does not interact with itself"),
        ));
    }
    let severity = InteractionSeverity::from_code(fields[2]).ok_or_else(|| {
        Text::new(
            format!(
                "severity 列的值“{}”无效，应为 {} 之一",
                fields[2],
                InteractionSeverity::codes()
            ),
            format!(
                "severity {:?} is invalid; use one of {}",
                fields[2],
                InteractionSeverity::codes()
            ),
        )
    })?;
    Ok(Interaction {
        a,
        b,
        severity,
        effect: Text::new(text_field(fields, 3)?, text_field(fields, 4)?),
        advice: Text::new(text_field(fields, 5)?, text_field(fields, 6)?),
        source: text_field(fields, 7)?,
    })
}

/// Parses the interaction table: every row, or every line at fault (a pair listed twice, in
/// either order, is refused at its second line).
pub fn parse_interactions(text: &str) -> Result<Interactions, Vec<LineIssue>> {
    let shape = TableShape {
        columns: &COLUMNS,
        max_lines: MAX_LINES,
        empty: Text::new(
            "文件中没有相互作用（导入空表会清空相互作用表）",
            "the file lists no interactions (importing it would empty the table)",
        ),
    };
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let rows = parse_table(text, &shape, |fields, line| {
        let row = row(fields)?;
        let (ka, kb) = (row.a.key(), row.b.key());
        let pair = if ka <= kb { (ka, kb) } else { (kb, ka) };
        if let Some(first) = seen.get(&pair) {
            return Err(Text::new(
                format!("{} 与 {} 已在第 {first} 行列出", row.a, row.b),
                format!("{} and {} are already listed on line {first}", row.a, row.b),
            ));
        }
        seen.insert(pair, line);
        Ok(row)
    })?;
    Ok(Interactions::new(rows))
}

#[cfg(test)]
#[path = "interactions_tests.rs"]
pub(crate) mod tests;
