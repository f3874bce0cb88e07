//! Text as it can be typed: each character of an indexed text with every toneless reading it
//! has (血 `xue` and `xie`, 长 `chang` and `zhang`), and the matcher that reads a query of
//! letters, Chinese, or both, against it.
//!
//! Readings come from the `pinyin` crate (the Unicode Han database's readings with its
//! heteronym table), not from a table of our own: the later ICD-10 and drug searches need every
//! character, not only those of department names.

use pinyin::ToPinyinMulti;

/// A text or query folded for matching: lower case, half-width, without tone marks, with only
/// letters, digits and Han characters (spaces and punctuation dropped).
pub fn fold(text: &str) -> Vec<char> {
    text.chars()
        .map(half_width)
        .flat_map(char::to_lowercase)
        .map(toneless)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Full-width Latin letters and digits (ａ, １), as some phone keyboards type them.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A vowel with a tone mark as the plain vowel: `ǜ` → `ü`, `ā` → `a`.
fn toneless(c: char) -> char {
    match c {
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'ü',
        _ => c,
    }
}

/// One character of an indexed text: itself (folded) and, for a Han character, its toneless
/// readings (ü also as `v` and `u`, as keyboards and habits write it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glyph {
    pub ch: char,
    pub readings: Vec<String>,
}

impl Glyph {
    pub fn of(ch: char) -> Self {
        let mut readings: Vec<String> = Vec::new();
        let plain = ch
            .to_pinyin_multi()
            .into_iter()
            .flatten()
            .map(|p| p.plain());
        for reading in plain {
            for spelled in [
                reading.to_owned(),
                reading.replace('ü', "v"),
                reading.replace('ü', "u"),
            ] {
                if !readings.contains(&spelled) {
                    readings.push(spelled);
                }
            }
        }
        Glyph { ch, readings }
    }
}

impl Glyph {
    /// The characters a query may match on this glyph (itself and every letter of its
    /// readings) as bits of [`char_bit`].
    pub fn mask(&self) -> u64 {
        self.readings
            .iter()
            .flat_map(|r| r.chars())
            .fold(char_bit(self.ch), |m, c| m | char_bit(c))
    }
}

/// A character as one bit of 64: each Latin letter and digit its own, other characters
/// (Han, ü) hashed onto the remaining 28. Texts whose bits lack one of a query's are skipped.
pub fn char_bit(c: char) -> u64 {
    let bit = match c {
        'a'..='z' => c as u32 - 'a' as u32,
        '0'..='9' => 26 + c as u32 - '0' as u32,
        _ => 36 + (c as u32).wrapping_mul(2_654_435_761) % 28,
    };
    1 << bit
}

/// A text's glyphs, folded as [`fold`] folds queries.
pub fn glyphs(text: &str) -> Vec<Glyph> {
    fold(text).into_iter().map(Glyph::of).collect()
}

/// Whether `query` starts at `glyphs[0]`: each of its letters spells a reading, or the initial
/// of one (`x`, or `zh`/`ch`/`sh`), of the glyph in turn, and a Chinese character (or a letter
/// or digit of a Latin text) stands for itself; its last syllable may be unfinished
/// (`xinn` for 心内). `steps` counts the states visited, for the tests' bound on work.
pub fn starts_with(glyphs: &[Glyph], query: &[char], steps: &mut usize) -> bool {
    Matcher::new(glyphs, query, steps).from(std::iter::once(0), true)
}

/// Whether `query` starts at a glyph after the first (心血管 found by `xueguan`). Initials alone
/// abbreviate from the start of a name, so here the query must spell at least one syllable or
/// character in full: `xg` finds 血管 but not 心血管, and `xnk` not 呼吸内科.
pub fn found_inside(glyphs: &[Glyph], query: &[char], steps: &mut usize) -> bool {
    Matcher::new(glyphs, query, steps).from(1..glyphs.len(), false)
}

/// A state of the walk: the next glyph, the next query character, and whether a syllable or
/// character has been matched in full so far.
type State = (usize, usize, bool);

/// A depth-first walk over states. Whether a state leads to a match does not depend on where
/// the walk began, so each state is visited at most once for all starting glyphs: the work is
/// bounded by 2 × glyphs × query length, however many readings the characters have together
/// (20 polyphones would be 2^20 spellings).
struct Matcher<'a> {
    glyphs: &'a [Glyph],
    query: &'a [char],
    seen: Vec<bool>,
    steps: &'a mut usize,
}

impl<'a> Matcher<'a> {
    fn new(glyphs: &'a [Glyph], query: &'a [char], steps: &'a mut usize) -> Self {
        let seen = vec![false; 2 * (glyphs.len() + 1) * (query.len() + 1)];
        Matcher {
            glyphs,
            query,
            seen,
            steps,
        }
    }

    /// Whether a walk from `starts` matches; `spelled` says whether a match made of initials
    /// alone counts.
    fn from(&mut self, starts: impl Iterator<Item = usize>, spelled: bool) -> bool {
        if self.query.is_empty() {
            return false;
        }
        let mut stack: Vec<State> = starts.map(|i| (i, 0, spelled)).collect();
        while let Some((i, j, spelled)) = stack.pop() {
            if j == self.query.len() {
                if spelled {
                    return true;
                }
                continue;
            }
            let at = (i * (self.query.len() + 1) + j) * 2 + usize::from(spelled);
            if i == self.glyphs.len() || std::mem::replace(&mut self.seen[at], true) {
                continue;
            }
            *self.steps += 1;
            if self.next_states((i, j, spelled), &mut stack) {
                return true;
            }
        }
        false
    }

    /// Pushes the states glyph `i` can take the query to from position `j`; true when the
    /// query ends inside one of its readings, and that makes a match.
    fn next_states(&self, (i, j, spelled): State, stack: &mut Vec<State>) -> bool {
        let glyph = &self.glyphs[i];
        let rest = &self.query[j..];
        if rest[0] == glyph.ch {
            stack.push((i + 1, j + 1, true));
        }
        for reading in &glyph.readings {
            let mut letters = reading.chars();
            // Most readings fail on their first letter: nothing else is read for them.
            if letters.next() != Some(rest[0]) {
                continue;
            }
            let length = 1 + letters.count();
            let initial = match reading.get(..2) {
                Some("zh" | "ch" | "sh") => 2,
                _ => 1,
            };
            let common = reading
                .chars()
                .zip(rest)
                .take_while(|(a, b)| a == *b)
                .count();
            if common == length {
                stack.push((i + 1, j + length, spelled || length > initial));
            } else if common == rest.len() && (spelled || rest.len() > initial) {
                return true;
            }
            if initial < length && common >= initial {
                stack.push((i + 1, j + initial, spelled));
            }
            if initial == 2 {
                stack.push((i + 1, j + 1, spelled));
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str, query: &str) -> bool {
        starts_with(&glyphs(text), &fold(query), &mut 0)
    }

    fn inside(text: &str, query: &str) -> bool {
        found_inside(&glyphs(text), &fold(query), &mut 0)
    }

    #[test]
    fn every_reading_of_a_polyphone_is_indexed() {
        let readings = |c| Glyph::of(c).readings;
        assert!(readings('血').contains(&"xue".into()) && readings('血').contains(&"xie".into()));
        assert!(readings('长').contains(&"chang".into()));
        assert!(readings('长').contains(&"zhang".into()));
        assert!(readings('重').contains(&"zhong".into()));
        assert!(readings('重').contains(&"chong".into()));
        assert!(readings('行').contains(&"xing".into()) && readings('行').contains(&"hang".into()));
        assert!(readings('乐').contains(&"le".into()) && readings('乐').contains(&"yue".into()));
        assert!(readings('率').contains(&"shuai".into()));
        for spelled in ["lü", "lv", "lu"] {
            assert!(readings('率').contains(&spelled.into()), "{spelled}");
        }
        assert_eq!(readings('a'), Vec::<String>::new());
    }

    #[test]
    fn full_pinyin_and_initials_match_from_the_start() {
        for query in [
            "xinneike",
            "xnk",
            "XNK",
            "xinnk",
            "xnei",
            "xin nei ke",
            "Xīn Nèi",
        ] {
            assert!(starts("心内科", query), "{query}");
        }
        assert!(starts("心血管内科", "xinxueguan"));
        assert!(starts("心血管内科", "xxgnk"));
        assert!(starts("张伟", "zhangwei") && starts("张伟", "zw") && starts("张伟", "zhw"));
        assert!(starts("重症医学科", "chongzheng") && starts("重症医学科", "zhongzheng"));
        assert!(!starts("心内科", "xinwai"));
        assert!(!starts("心内科", "neike"), "not from the start");
        assert!(!starts("心内科", ""));
    }

    #[test]
    fn a_query_may_end_inside_a_syllable() {
        assert!(starts("心内科", "xinn"));
        assert!(starts("心内科", "xinnei"));
        assert!(starts("阿莫西林", "amoxil"));
        assert!(!starts("阿莫西林", "amoxilinx"));
    }

    #[test]
    fn both_readings_of_xue_find_xueguan() {
        assert!(starts("血管", "xueguan") && starts("血管", "xieguan"));
        assert!(inside("心血管内科", "xueguan") && inside("心血管内科", "xieguan"));
        assert!(inside("心血管内科", "xueg") && inside("心血管内科", "xgu"));
        assert!(inside("心血管内科", "血g"));
        assert!(!inside("血管", "xueguan"), "at the start, not inside");
    }

    #[test]
    fn initials_alone_abbreviate_from_the_start_only() {
        assert!(starts("血管", "xg"));
        assert!(!inside("心血管内科", "xg"));
        assert!(!inside("呼吸内科", "xnk"));
        assert!(inside("呼吸内科", "xinei"));
        assert!(!inside("张伟", "w"));
    }

    #[test]
    fn chinese_letters_and_latin_mix() {
        assert!(starts("心内科", "心nk"));
        assert!(starts("心内科", "xin内"));
        assert!(starts("心内科", "心内"));
        assert!(!starts("心内科", "心wai"));
        assert!(starts("Cardiology", "cardio"));
        assert!(starts("Cardiology", "CARDIO"));
        assert!(starts("阿莫西林", "amxl"));
        assert!(starts("ＣＴ室", "ct"), "full-width letters");
    }

    #[test]
    fn the_work_is_bounded_by_glyphs_times_query_length() {
        // Twenty polyphones of five readings: over 10^13 spellings, walked as states.
        let text = "行".repeat(20);
        let query = fold(&format!("{}q", "hang".repeat(19)));
        let mut steps = 0;
        assert!(!found_inside(&glyphs(&text), &query, &mut steps));
        assert!(!starts_with(&glyphs(&text), &query, &mut steps));
        assert!(steps <= 2 * 2 * 21 * (query.len() + 1), "{steps} states");
        let mut steps = 0;
        assert!(starts_with(
            &glyphs(&text),
            &fold(&"xing".repeat(20)),
            &mut steps
        ));
        assert!(steps <= 21 * 81);
    }
}
