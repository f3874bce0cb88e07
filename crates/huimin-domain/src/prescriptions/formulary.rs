//! The formulary 药品字典: the drugs a hospital stocks, imported as CSV (`data/formulary.csv`
//! is the shipped seed; the columns are [`COLUMNS`]) and searched by generic or brand name,
//! as written or by pinyin (`amxl` → 阿莫西林), or by code.

use std::collections::HashMap;

use super::drug::Drug;
use super::formulary_row::row;
use crate::csv_table::{LineIssue, TableShape, parse_table};
use crate::i18n::Text;
use crate::search::{Field, Match, PinyinIndex};

/// The shipped seed (demonstration data: a hospital pharmacist reviews it before use).
pub const SEED: &str = include_str!("../../../../data/formulary.csv");

/// The header the file must start with (after its `#` comment lines).
pub const COLUMNS: [&str; 26] = [
    "code",
    "generic_zh",
    "generic_en",
    "brands",
    "kind",
    "form",
    "strength",
    "strength_unit",
    "piece_unit",
    "package_size",
    "package_unit",
    "route",
    "price_yuan",
    "atc",
    "ingredients",
    "classes",
    "antimicrobial",
    "allergy_groups",
    "pregnancy",
    "child",
    "elderly",
    "adult_dose",
    "adult_daily_max",
    "child_dose_per_kg",
    "child_daily_max_per_kg",
    "source",
];

/// Longest file accepted: a large hospital stocks a few thousand items; a regional platform's
/// dictionary tens of thousands.
pub const MAX_LINES: usize = 60_000;

/// Parses a formulary file: every drug, or every line at fault (a code used twice included).
pub fn parse_formulary(text: &str) -> Result<Vec<Drug>, Vec<LineIssue>> {
    let shape = TableShape {
        columns: &COLUMNS,
        max_lines: MAX_LINES,
        empty: Text::new(
            "文件中没有药品（导入空字典会清空药品字典）",
            "the file lists no drugs (importing it would empty the formulary)",
        ),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    parse_table(text, &shape, |fields, line| {
        let drug = row(fields)?;
        if let Some(first) = seen.get(&drug.code) {
            return Err(Text::new(
                format!("药品编码“{}”与第 {first} 行重复", drug.code),
                format!("drug code {:?} is already on line {first}", drug.code),
            ));
        }
        seen.insert(drug.code.clone(), line);
        Ok(drug)
    })
}

/// A drug found, with how.
#[derive(Clone, Copy, Debug)]
pub struct DrugHit<'a> {
    pub drug: &'a Drug,
    /// `None`: found by its code.
    pub matched: Option<Match>,
}

/// The formulary, indexed.
pub struct Formulary {
    drugs: Vec<Drug>,
    by_code: HashMap<String, usize>,
    names: PinyinIndex<usize>,
}

impl Formulary {
    pub fn new(drugs: Vec<Drug>) -> Self {
        let by_code = drugs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code.to_ascii_uppercase(), i))
            .collect();
        let mut names = PinyinIndex::new();
        for (i, drug) in drugs.iter().enumerate() {
            let name = drug.name();
            names.add(i, Field::Name, &name.zh);
            names.add(i, Field::Alias, &drug.generic.en);
            for brand in &drug.brands {
                names.add(i, Field::Alias, brand);
            }
        }
        Formulary {
            drugs,
            by_code,
            names,
        }
    }

    /// The shipped seed.
    pub fn seed() -> Formulary {
        Formulary::new(parse_formulary(SEED).expect("the shipped formulary is valid"))
    }

    pub fn get(&self, code: &str) -> Option<&Drug> {
        self.by_code
            .get(&code.trim().to_ascii_uppercase())
            .map(|&i| &self.drugs[i])
    }

    pub fn drugs(&self) -> &[Drug] {
        &self.drugs
    }

    pub fn len(&self) -> usize {
        self.drugs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.drugs.is_empty()
    }

    /// Up to `limit` drugs for what was typed: a code exactly, then names (generic, English,
    /// brand) as written or by pinyin, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<DrugHit<'_>> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut hits = Vec::new();
        let exact = self.get(query);
        if let Some(drug) = exact {
            hits.push(DrugHit {
                drug,
                matched: None,
            });
        }
        for hit in self.names.search_top(query, limit + 1) {
            let drug = &self.drugs[hit.key];
            if exact.is_some_and(|e| e.code == drug.code) {
                continue;
            }
            hits.push(DrugHit {
                drug,
                matched: Some(hit.matched),
            });
        }
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
#[path = "formulary_tests.rs"]
mod tests;
