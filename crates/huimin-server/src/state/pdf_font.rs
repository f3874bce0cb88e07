//! The font printed records are set in (`HUIMIN_PDF_FONT`): one CJK face, read from disk on
//! first use and kept for the life of the process. A missing or unreadable font is reported
//! once at start-up and answered as "unavailable" by the endpoints that print.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Debian's `fonts-noto-cjk`: the collection's face 2 is Noto Sans CJK SC (simplified Chinese).
pub const DEFAULT_PDF_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#2";

/// Where the font is: a file and, for a collection (`.ttc`), the face's index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FontSource {
    pub path: PathBuf,
    pub index: u32,
}

impl FontSource {
    /// `PATH` or `PATH#INDEX` (the face of a collection; 0 without one).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (path, index) = match text.rsplit_once('#') {
            Some((path, index)) => (
                path,
                index
                    .parse()
                    .map_err(|_| format!("not a face index after '#': {index:?}"))?,
            ),
            None => (text, 0),
        };
        if path.is_empty() {
            return Err("no font file given".into());
        }
        Ok(Self {
            path: PathBuf::from(path),
            index,
        })
    }
}

impl Default for FontSource {
    fn default() -> Self {
        Self::parse(DEFAULT_PDF_FONT).expect("default font source")
    }
}

impl std::fmt::Display for FontSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.path.display(), self.index)
    }
}

/// A loaded face: the font the PDF embeds (subset) and the advances its lines are measured by.
pub struct PdfFont {
    pub font: krilla::text::Font,
    data: Arc<Vec<u8>>,
    index: u32,
}

impl PdfFont {
    pub fn load(source: &FontSource) -> Result<Self, String> {
        let data = std::fs::read(&source.path).map_err(|e| {
            format!(
                "cannot read the PDF font {} ({e}); install fonts-noto-cjk or set HUIMIN_PDF_FONT",
                source.path.display()
            )
        })?;
        Self::from_bytes(data, source.index).ok_or_else(|| {
            format!(
                "{} has no usable font face {}; set HUIMIN_PDF_FONT to PATH#INDEX",
                source.path.display(),
                source.index
            )
        })
    }

    pub fn from_bytes(data: Vec<u8>, index: u32) -> Option<Self> {
        let data = Arc::new(data);
        skrifa::FontRef::from_index(data.as_slice(), index).ok()?;
        let font = krilla::text::Font::new(data.clone().into(), index)?;
        Some(Self { font, data, index })
    }

    /// The face, for measuring text.
    pub fn face(&self) -> skrifa::FontRef<'_> {
        skrifa::FontRef::from_index(self.data.as_slice(), self.index).expect("checked when loaded")
    }
}

/// The configured font, loaded on first use.
pub struct PdfFonts {
    source: FontSource,
    loaded: OnceLock<Result<Arc<PdfFont>, String>>,
}

impl PdfFonts {
    pub fn new(source: FontSource) -> Self {
        Self {
            source,
            loaded: OnceLock::new(),
        }
    }

    /// Whether the font file is there, without reading it (checked at start-up).
    pub fn check(&self) -> Result<(), String> {
        check_file(&self.source.path)
    }

    /// The font, or why it cannot be used.
    pub fn get(&self) -> Result<Arc<PdfFont>, String> {
        self.loaded
            .get_or_init(|| PdfFont::load(&self.source).map(Arc::new))
            .clone()
    }
}

fn check_file(path: &Path) -> Result<(), String> {
    if path.is_file() {
        Ok(())
    } else {
        Err(format!(
            "the PDF font {} is missing: install fonts-noto-cjk or set HUIMIN_PDF_FONT",
            path.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_font_setting_names_a_file_and_optionally_a_face() {
        let source = FontSource::parse("/fonts/a.ttc#2").unwrap();
        assert_eq!(source.path, PathBuf::from("/fonts/a.ttc"));
        assert_eq!(source.index, 2);
        assert_eq!(FontSource::parse("/fonts/b.otf").unwrap().index, 0);
        assert!(FontSource::parse("/fonts/a.ttc#x").is_err());
        assert!(FontSource::parse("#1").is_err());
    }

    #[test]
    fn a_missing_font_is_reported_with_the_setting_to_change() {
        let fonts = PdfFonts::new(FontSource::parse("/nowhere/font.ttc#2").unwrap());
        assert!(fonts.check().unwrap_err().contains("HUIMIN_PDF_FONT"));
        assert!(fonts.get().err().unwrap().contains("HUIMIN_PDF_FONT"));
    }
}
