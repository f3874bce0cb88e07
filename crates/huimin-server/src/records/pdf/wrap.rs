//! Line breaking by measured width. Chinese breaks between any two characters; a run of
//! Latin letters or digits moves to the next line whole when it fits there; closing
//! punctuation never starts a line (it hangs into the margin instead: 避头点).

use std::collections::HashMap;

use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use crate::state::pdf_font::PdfFont;

/// Advances of the characters met so far, in em.
pub struct Measure<'a> {
    charmap: skrifa::charmap::Charmap<'a>,
    metrics: skrifa::metrics::GlyphMetrics<'a>,
    units_per_em: f32,
    cache: HashMap<char, f32>,
}

impl<'a> Measure<'a> {
    pub fn new(font: &'a PdfFont) -> Self {
        let face = font.face();
        let units_per_em = f32::from(
            face.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        Self {
            charmap: face.charmap(),
            metrics: face.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em: units_per_em.max(1.0),
            cache: HashMap::new(),
        }
    }

    /// The advance of `c` in em (a character the font lacks: its `.notdef`, as drawn).
    fn em(&mut self, c: char) -> f32 {
        if let Some(width) = self.cache.get(&c) {
            return *width;
        }
        let glyph = self.charmap.map(c).unwrap_or_default();
        let width = self.metrics.advance_width(glyph).unwrap_or(0.0) / self.units_per_em;
        self.cache.insert(c, width);
        width
    }

    /// The width of `text` at `size` points.
    pub fn width(&mut self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.em(c)).sum::<f32>() * size
    }
}

/// Characters that must not start a line.
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '」'
            | '』'
            | '”'
            | '’'
            | '》'
            | '】'
            | '…'
            | '·'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
            | '%'
            | '％'
    )
}

fn in_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// Breaks one paragraph (no `\n`) into lines: the first at most `first` points wide, the
/// others at most `rest`.
pub fn wrap_paragraph(
    measure: &mut Measure<'_>,
    text: &str,
    size: f32,
    first: f32,
    rest: f32,
) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line: Vec<char> = Vec::new();
    let mut used = 0.0;
    for c in text.chars() {
        let c = if c == '\t' { ' ' } else { c };
        let advance = measure.em(c) * size;
        let limit = if lines.is_empty() { first } else { rest };
        if used + advance > limit && !line.is_empty() && !no_line_start(c) {
            let mut carried = Vec::new();
            if in_word(c) {
                let start = line.iter().rposition(|x| !in_word(*x)).map_or(0, |i| i + 1);
                if start > 0 {
                    carried = line.split_off(start);
                }
            }
            lines.push(line.iter().collect::<String>().trim_end().to_owned());
            used = carried.iter().map(|x| measure.em(*x) * size).sum();
            line = carried;
            if line.is_empty() && c == ' ' {
                continue;
            }
        }
        line.push(c);
        used += advance;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line.iter().collect::<String>().trim_end().to_owned());
    }
    lines
}

/// Breaks text with line breaks (`\n`, `\r\n`) into lines; an empty paragraph stays an
/// empty line.
pub fn wrap_text(
    measure: &mut Measure<'_>,
    text: &str,
    size: f32,
    first: f32,
    rest: f32,
) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let width = if lines.is_empty() { first } else { rest };
        lines.extend(wrap_paragraph(measure, paragraph, size, width, rest));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::pdf_font::{FontSource, PdfFont};

    fn font() -> Option<PdfFont> {
        PdfFont::load(&FontSource::default()).ok()
    }

    #[test]
    fn chinese_text_breaks_between_characters_at_the_measured_width() {
        let font = font().expect("the PDF font (fonts-noto-cjk)");
        let mut measure = Measure::new(&font);
        // Noto Sans CJK's ideographs are one em wide: ten of them fill 100 points at 10 pt.
        assert!((measure.width("门诊病历", 10.0) - 40.0).abs() < 0.01);
        let lines = wrap_paragraph(&mut measure, &"头痛".repeat(12), 10.0, 100.0, 100.0);
        assert_eq!(
            lines.iter().map(|l| l.chars().count()).collect::<Vec<_>>(),
            [10, 10, 4]
        );
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        let font = font().expect("the PDF font (fonts-noto-cjk)");
        let mut measure = Measure::new(&font);
        let lines = wrap_paragraph(&mut measure, "一二三四五六七八九十。再", 10.0, 100.0, 100.0);
        assert_eq!(lines, ["一二三四五六七八九十。", "再"]);
    }

    #[test]
    fn a_latin_word_moves_to_the_next_line_whole() {
        let font = font().expect("the PDF font (fonts-noto-cjk)");
        let mut measure = Measure::new(&font);
        let lines = wrap_paragraph(
            &mut measure,
            "血压测得为一百 Hypertension",
            10.0,
            100.0,
            100.0,
        );
        assert_eq!(lines.last().unwrap(), "Hypertension");
    }

    #[test]
    fn line_breaks_in_the_text_start_new_lines_and_empty_ones_stay() {
        let font = font().expect("the PDF font (fonts-noto-cjk)");
        let mut measure = Measure::new(&font);
        let lines = wrap_text(&mut measure, "一\r\n\n二", 10.0, 100.0, 100.0);
        assert_eq!(lines, ["一", "", "二"]);
    }
}
