//! The searchable code table: codes by prefix from a sorted list (a binary search), names
//! through the shared [`PinyinIndex`]. Built once per table and kept; a search reads only the
//! codes under the query's prefix and the names the pinyin index's filter lets through.

use std::collections::{HashMap, HashSet};

use super::{Icd10Code, Icd10Entry};
use crate::search::{Field, Match, PinyinIndex};

/// How a code was found, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Icd10Match {
    /// The query is the code.
    Code,
    /// The code starts with the query.
    CodePrefix,
    /// The Chinese or English name matched (as written or by pinyin).
    Name(Match),
}

impl Icd10Match {
    pub fn code(self) -> &'static str {
        match self {
            Icd10Match::Code => "code",
            Icd10Match::CodePrefix => "code-prefix",
            Icd10Match::Name(m) => m.code(),
        }
    }
}

/// A code found.
#[derive(Clone, Copy, Debug)]
pub struct Icd10Hit<'a> {
    pub entry: &'a Icd10Entry,
    pub matched: Icd10Match,
}

/// The table, indexed.
pub struct Icd10Index {
    entries: Vec<Icd10Entry>,
    by_code: HashMap<Icd10Code, usize>,
    /// Each code upper-cased without its dot (`I10X00X002`), with its position, in order.
    sorted: Vec<(String, usize)>,
    names: PinyinIndex<usize>,
}

impl Icd10Index {
    pub fn new(entries: Vec<Icd10Entry>) -> Self {
        let by_code = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.code.clone(), i))
            .collect();
        let mut sorted: Vec<(String, usize)> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (code_key(e.code.as_str()), i))
            .collect();
        sorted.sort();
        let mut names = PinyinIndex::new();
        for (i, entry) in entries.iter().enumerate() {
            names.add(i, Field::Name, &entry.name_zh);
            if let Some(en) = &entry.name_en {
                names.add(i, Field::Alias, en);
            }
        }
        Icd10Index {
            entries,
            by_code,
            sorted,
            names,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[Icd10Entry] {
        &self.entries
    }

    /// The entry of a code, if the table has it.
    pub fn get(&self, code: &Icd10Code) -> Option<&Icd10Entry> {
        self.by_code.get(code).map(|&i| &self.entries[i])
    }

    /// Up to `limit` codes `query` finds: the code itself, then codes under it (shorter codes
    /// first, then in code order), then codes whose name matches (see [`PinyinIndex`]: as
    /// written before pinyin, shorter names first). None for a blank query.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Icd10Hit<'_>> {
        let key = code_key(query);
        let mut hits = Vec::new();
        let mut taken = HashSet::new();
        if looks_like_code(&key) {
            let start = self
                .sorted
                .partition_point(|(k, _)| k.as_str() < key.as_str());
            let under = self.sorted[start..]
                .iter()
                .take_while(|(k, _)| k.starts_with(key.as_str()));
            let mut found: Vec<&(String, usize)> = under.collect();
            found.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
            for (k, i) in found.into_iter().take(limit) {
                let matched = if *k == key {
                    Icd10Match::Code
                } else {
                    Icd10Match::CodePrefix
                };
                taken.insert(*i);
                hits.push(Icd10Hit {
                    entry: &self.entries[*i],
                    matched,
                });
            }
            // A letter and a digit are a code, never a name: no name is looked for.
            if key.chars().nth(1).is_some_and(|c| c.is_ascii_digit()) {
                return hits;
            }
        }
        if hits.len() < limit {
            for hit in self.names.search(query) {
                if hits.len() == limit {
                    break;
                }
                if taken.insert(hit.key) {
                    hits.push(Icd10Hit {
                        entry: &self.entries[hit.key],
                        matched: Icd10Match::Name(hit.matched),
                    });
                }
            }
        }
        hits
    }
}

/// A code or query as compared: upper case, no dot, no spaces.
fn code_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether a query could be the start of a code: a Latin letter, then digits (and the
/// edition's `x`).
fn looks_like_code(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_digit() || c == 'X')
        && key.len() <= 10
}
