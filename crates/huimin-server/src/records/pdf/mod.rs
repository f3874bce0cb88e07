//! The printed outpatient record as a PDF (krilla, one embedded and subset CJK face). Laid
//! out in two passes: the body becomes lines, the lines fall into A4 pages, and then every
//! page is drawn with the hospital's header, the verification code and 第 n 页 / 共 m 页.

mod draw;
mod layout;
pub mod wrap;

use huimin_domain::records::{DocumentError, VisitDocument};

use crate::state::pdf_font::PdfFont;

/// Why no PDF was made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the document cannot be printed: {0}")]
    Document(#[from] DocumentError),
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// The visit's record as PDF bytes.
pub fn render_visit_pdf(doc: &VisitDocument, font: &PdfFont) -> Result<Vec<u8>, PdfError> {
    doc.check()?;
    let mut measure = wrap::Measure::new(font);
    let items = layout::body(doc, &mut measure);
    let pages = layout::paginate(items);
    draw::document(doc, font, &mut measure, &pages)
}
