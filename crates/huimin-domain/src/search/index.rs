//! An in-memory index of (key, text) entries searched by what people type: the text as
//! written, or its pinyin (full or initials, any reading of a polyphone). Built for lists of a
//! few hundred to a few thousand entries (departments, doctors, diagnoses, drugs): a search
//! reads every entry, in work bounded by each entry's length times the query's.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use super::pinyin::{Glyph, char_bit, fold, found_inside, glyphs, starts_with};

/// What an indexed text is to its key: its name, another name it goes by, or a detail it is
/// also found by (a doctor's specialty). Between equally good matches, a name goes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Name,
    Alias,
    Detail,
}

/// How a query matched a text, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Match {
    /// The query is the text (case, spaces and tone marks aside).
    Exact,
    /// The text starts with the query as written.
    Prefix,
    /// The text contains the query as written.
    Contains,
    /// The query spells the start of the text in pinyin.
    Pinyin,
    /// The query spells a later part of the text in pinyin.
    PinyinInside,
}

impl Match {
    pub fn code(self) -> &'static str {
        match self {
            Match::Exact => "exact",
            Match::Prefix => "prefix",
            Match::Contains => "contains",
            Match::Pinyin => "pinyin",
            Match::PinyinInside => "pinyin-inside",
        }
    }
}

/// A key found, with the text that matched it best.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit<K> {
    pub key: K,
    pub matched: Match,
    pub field: Field,
    pub text: String,
}

/// How much a search read, for tests that bound the work without timing it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    pub entries: usize,
    /// Matcher states visited (each glyph × query position at most once per entry and kind).
    pub steps: usize,
}

struct Entry<K> {
    key: K,
    field: Field,
    text: String,
    glyphs: Vec<Glyph>,
    /// The glyphs' characters, folded (what a query as written is compared with).
    chars: Vec<char>,
    /// Every character a query could match in this text (see [`Glyph::mask`]).
    mask: u64,
    /// For each glyph, the characters a match can start with on it ([`Glyph::starts`]).
    starts: Vec<u64>,
    /// Whether a glyph stands for itself only (Latin letters, digits): a query letter matched
    /// on it counts as spelled, so a match inside the text cannot be ruled out early.
    latin: bool,
}

/// The index. Keys may have several texts (a name, aliases, details); a search returns each
/// key once, at its best match.
pub struct PinyinIndex<K> {
    entries: Vec<Entry<K>>,
    /// The first two letters of every reading of two letters or more: a query spells a
    /// syllable (which a match inside a text needs) only if two of its letters in a row are
    /// one of these.
    syllable_starts: HashSet<[char; 2]>,
}

impl<K> Default for PinyinIndex<K> {
    fn default() -> Self {
        PinyinIndex {
            entries: Vec::new(),
            syllable_starts: HashSet::new(),
        }
    }
}

/// The order of hits: exact names, then exact aliases and details, then prefixes, text
/// containing the query, pinyin from the start and pinyin inside; then names before aliases
/// before details, shorter texts first, and the order entries were added.
type Rank = (u8, Field, usize, usize);

impl<K: Clone + Eq + Hash> PinyinIndex<K> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `text` under `key`; blank texts are left out.
    pub fn add(&mut self, key: K, field: Field, text: &str) {
        let glyphs = glyphs(text);
        if !glyphs.is_empty() {
            for reading in glyphs.iter().flat_map(|g| &g.readings) {
                let mut letters = reading.chars();
                if let (Some(a), Some(b)) = (letters.next(), letters.next()) {
                    self.syllable_starts.insert([a, b]);
                }
            }
            self.entries.push(Entry {
                key,
                field,
                text: text.trim().to_owned(),
                chars: glyphs.iter().map(|g| g.ch).collect(),
                mask: glyphs.iter().fold(0, |m, g| m | g.mask()),
                starts: glyphs.iter().map(Glyph::starts).collect(),
                latin: glyphs.iter().any(|g| g.readings.is_empty()),
                glyphs,
            });
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys `query` finds, best first (see [`Rank`]); none for a blank query.
    pub fn search(&self, query: &str) -> Vec<Hit<K>> {
        self.search_counting(query).0
    }

    /// The first `limit` of [`Self::search`].
    pub fn search_top(&self, query: &str, limit: usize) -> Vec<Hit<K>> {
        self.search_limited(query, limit).0
    }

    /// [`Self::search`], with the work it took.
    pub fn search_counting(&self, query: &str) -> (Vec<Hit<K>>, Work) {
        self.search_limited(query, usize::MAX)
    }

    fn search_limited(&self, query: &str, limit: usize) -> (Vec<Hit<K>>, Work) {
        let query = fold(query);
        let mut work = Work::default();
        if query.is_empty() {
            return (Vec::new(), work);
        }
        // Every character of a query is matched by a character of the text or a letter of
        // one of its readings, so a text lacking one is passed over unread.
        let needed = query.iter().fold(0, |m, &c| m | char_bit(c));
        let spells = query.iter().any(|c| !c.is_ascii_lowercase())
            || query
                .windows(2)
                .any(|w| self.syllable_starts.contains(&[w[0], w[1]]));
        // Han characters in a query match only themselves: a query of nothing else matches
        // as written or not at all.
        let han_only = query.iter().all(|&c| is_han(c));
        let mut best: HashMap<&K, (Rank, Match, usize)> = HashMap::new();
        for (at, entry) in self.entries.iter().enumerate() {
            if entry.mask & needed != needed {
                continue;
            }
            work.entries += 1;
            let matched = if han_only {
                as_written(entry, &query)
            } else if spells || entry.latin {
                match_of(entry, &query, &mut work.steps)
            } else {
                by_initials(entry, &query)
            };
            let Some(matched) = matched else {
                continue;
            };
            let rank = rank(matched, entry, at);
            let current = best.entry(&entry.key).or_insert((rank, matched, at));
            if rank < current.0 {
                *current = (rank, matched, at);
            }
        }
        let mut found: Vec<_> = best.into_values().collect();
        // Only the best `limit` are ordered: a one-character query can match every entry.
        if found.len() > limit {
            found.select_nth_unstable_by_key(limit, |(rank, _, _)| *rank);
            found.truncate(limit);
        }
        found.sort_unstable_by_key(|(rank, _, _)| *rank);
        let hits = found
            .into_iter()
            .take(limit)
            .map(|(_, matched, at)| {
                let entry = &self.entries[at];
                Hit {
                    key: entry.key.clone(),
                    matched,
                    field: entry.field,
                    text: entry.text.clone(),
                }
            })
            .collect();
        (hits, work)
    }
}

fn rank<K>(matched: Match, entry: &Entry<K>, at: usize) -> Rank {
    let tier = match (matched, entry.field) {
        (Match::Exact, Field::Name) => 0,
        (Match::Exact, _) => 1,
        (Match::Prefix, _) => 2,
        (Match::Contains, _) => 3,
        (Match::Pinyin, _) => 4,
        (Match::PinyinInside, _) => 5,
    };
    (tier, entry.field, entry.glyphs.len(), at)
}

/// How `query` (folded) matches a text's glyphs, if it does: as written first, then by pinyin.
fn match_of<K>(entry: &Entry<K>, query: &[char], steps: &mut usize) -> Option<Match> {
    let glyphs = &entry.glyphs;
    if let Some(matched) = as_written(entry, query) {
        Some(matched)
    } else if starts_with(glyphs, query, steps) {
        Some(Match::Pinyin)
    } else if found_inside(glyphs, query, steps) {
        Some(Match::PinyinInside)
    } else {
        None
    }
}

/// Whether a character is one the pinyin table reads (a Han character).
fn is_han(c: char) -> bool {
    !Glyph::of(c).readings.is_empty()
}

/// How a query matches a text as written, if it does.
fn as_written<K>(entry: &Entry<K>, query: &[char]) -> Option<Match> {
    let text = &entry.chars;
    if text == query {
        Some(Match::Exact)
    } else if text.starts_with(query) {
        Some(Match::Prefix)
    } else if text.windows(query.len()).any(|w| w == query) {
        Some(Match::Contains)
    } else {
        None
    }
}

/// How a query of letters that spells no syllable (`gxy`) matches a text of Han characters:
/// only as initials from the start, one letter per character, so [`match_of`]'s walk comes
/// down to comparing each letter with the initials of the character at its place.
fn by_initials<K>(entry: &Entry<K>, query: &[char]) -> Option<Match> {
    let fits = query.len() <= entry.starts.len()
        && query
            .iter()
            .zip(&entry.starts)
            .all(|(&c, &starts)| starts & char_bit(c) != 0);
    fits.then_some(Match::Pinyin)
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
