//! Bilingual text. Every user-facing message exists in Chinese and English;
//! Chinese is the default because the patients and staff are in China.

use serde::Serialize;

/// A message in both supported languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// `"1 second"`, `"2 seconds"`: English nouns take a plural after a count (Chinese needs
/// none). Only nouns with a plain `-s` plural are used.
pub fn en_count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A supported display language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the preferred supported language from an `Accept-Language`
    /// header (RFC 9110 §12.5.4). Higher q wins; among equal q the earlier
    /// entry wins. Anything unparseable or unsupported falls back to Chinese
    /// rather than failing, because a header must never block a page.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(u16, Lang)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let Some(lang) = parts.next().and_then(Lang::from_code) else {
                continue;
            };
            let q = parts.find_map(|p| quality(p.trim())).unwrap_or(1000);
            if q == 0 {
                continue;
            }
            if best.is_none_or(|(best_q, _)| q > best_q) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Zh, |(_, lang)| lang)
    }

    /// Accepts BCP 47-ish tags by their primary subtag: `zh`, `zh-CN`,
    /// `zh_Hans`, `EN-us`, … Only the two supported languages map.
    pub fn from_code(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next()?;
        if primary.eq_ignore_ascii_case("zh") {
            Some(Lang::Zh)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The tag to emit in `lang` attributes and `Content-Language`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// Parses a `q=` parameter into thousandths so comparisons are exact.
/// Returns `None` for other parameters; malformed q values count as 0 so a
/// broken entry can never outrank a well-formed one.
fn quality(param: &str) -> Option<u16> {
    let (name, value) = param.split_once('=')?;
    if !name.trim().eq_ignore_ascii_case("q") {
        return None;
    }
    let value = value.trim();
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let valid = matches!(int, "0" | "1")
        && frac.len() <= 3
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || frac.bytes().all(|b| b == b'0'));
    if !valid {
        return Some(0);
    }
    let frac_thousandths = format!("{frac:0<3}").parse::<u16>().unwrap_or(0);
    Some(if int == "1" { 1000 } else { frac_thousandths })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_get_returns_the_requested_language() {
        let t = Text::new("你好", "hello");
        assert_eq!(t.get(Lang::Zh), "你好");
        assert_eq!(t.get(Lang::En), "hello");
    }

    #[test]
    fn english_counts_take_a_plural_except_one() {
        assert_eq!(en_count(1, "second"), "1 second");
        assert_eq!(en_count(0, "second"), "0 seconds");
        assert_eq!(en_count(30, "minute"), "30 minutes");
    }

    #[test]
    fn default_language_is_chinese() {
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
        assert_eq!(Lang::from_accept_language("fr-FR, de;q=0.9"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("*"), Lang::Zh);
    }

    #[test]
    fn accept_language_picks_first_supported_tag() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language("fr, en-GB;q=0.5"), Lang::En);
    }

    #[test]
    fn accept_language_respects_q_values_not_order() {
        assert_eq!(Lang::from_accept_language("zh;q=0.3, en;q=0.7"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("en;q=0.5, zh-TW;q=0.8"),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language("en;q=0.500,zh;q=0.5"), Lang::En);
    }

    #[test]
    fn accept_language_q_zero_means_not_acceptable() {
        assert_eq!(Lang::from_accept_language("zh;q=0, en;q=0.1"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Zh);
    }

    #[test]
    fn accept_language_tolerates_whitespace_and_garbage_q() {
        assert_eq!(
            Lang::from_accept_language(" en ; q = 0.9 , zh;q=abc"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("zh;q=2, en;q=0.1"), Lang::En);
        assert_eq!(Lang::from_accept_language(",,;;"), Lang::Zh);
    }

    #[test]
    fn from_code_accepts_common_tags() {
        for code in ["zh", "zh-CN", "ZH-cn", "zh_Hans", "zh-Hant-TW"] {
            assert_eq!(Lang::from_code(code), Some(Lang::Zh), "{code}");
        }
        for code in ["en", "en-US", "EN", "en_GB"] {
            assert_eq!(Lang::from_code(code), Some(Lang::En), "{code}");
        }
        for code in ["", "fr", "zhx", "e"] {
            assert_eq!(Lang::from_code(code), None, "{code}");
        }
    }

    #[test]
    fn code_round_trips() {
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
    }
}
