//! Drawing laid-out pages with krilla: the repeated header, the body, the footer.

use huimin_domain::records::VisitDocument;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;

use super::PdfError;
use super::layout::{
    BODY_BOTTOM, BODY_TOP, Item, LEADING, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, TEXT_WIDTH,
    VERIFY_HEIGHT,
};
use super::wrap::{Measure, wrap_paragraph};
use crate::state::pdf_font::PdfFont;

const INK: (u8, u8, u8) = (20, 20, 20);
const GREY: (u8, u8, u8) = (110, 110, 110);
const ACCENT: (u8, u8, u8) = (0, 82, 147);

/// How a piece of text looks.
#[derive(Clone, Copy)]
struct Style {
    size: f32,
    bold: bool,
    colour: (u8, u8, u8),
}

const fn style(size: f32, bold: bool, colour: (u8, u8, u8)) -> Style {
    Style { size, bold, colour }
}

struct Pen<'f, 'm, 'a> {
    font: &'f PdfFont,
    measure: &'m mut Measure<'a>,
}

fn paint((r, g, b): (u8, u8, u8)) -> krilla::paint::Paint {
    rgb::Color::new(r, g, b).into()
}

impl Pen<'_, '_, '_> {
    /// Text with its baseline at `y`; bold is the regular face filled and thinly stroked.
    fn text(&mut self, surface: &mut Surface<'_>, x: f32, y: f32, text: &str, look: Style) {
        let Style { size, bold, colour } = look;
        if text.is_empty() {
            return;
        }
        surface.set_fill(Some(Fill {
            paint: paint(colour),
            ..Fill::default()
        }));
        surface.set_stroke(bold.then(|| Stroke {
            paint: paint(colour),
            width: size * 0.035,
            ..Stroke::default()
        }));
        surface.draw_text(
            Point::from_xy(x, y),
            self.font.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
        surface.set_stroke(None);
    }

    fn centred(&mut self, surface: &mut Surface<'_>, y: f32, text: &str, look: Style) {
        let x = (PAGE_WIDTH - self.measure.width(text, look.size)) / 2.0;
        self.text(surface, x, y, text, look);
    }

    fn right(&mut self, surface: &mut Surface<'_>, y: f32, text: &str, size: f32) {
        let x = PAGE_WIDTH - MARGIN - self.measure.width(text, size);
        self.text(surface, x, y, text, style(size, false, GREY));
    }
}

fn rule(surface: &mut Surface<'_>, y: f32, width: f32, colour: (u8, u8, u8)) {
    let mut path = PathBuilder::new();
    path.move_to(MARGIN, y);
    path.line_to(PAGE_WIDTH - MARGIN, y);
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: paint(colour),
            width,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

fn header(pen: &mut Pen<'_, '_, '_>, surface: &mut Surface<'_>, doc: &VisitDocument) {
    pen.centred(
        surface,
        54.0,
        &doc.hospital_name_zh,
        style(16.0, true, ACCENT),
    );
    pen.centred(
        surface,
        68.0,
        &doc.hospital_name_en,
        style(8.5, false, GREY),
    );
    pen.centred(
        surface,
        80.0,
        &doc.hospital_address,
        style(8.0, false, GREY),
    );
    rule(surface, 90.0, 1.0, ACCENT);
    pen.centred(surface, 116.0, "门诊病历", style(15.0, true, INK));
    pen.centred(surface, 130.0, "Outpatient Record", style(8.5, false, GREY));
}

fn footer(
    pen: &mut Pen<'_, '_, '_>,
    surface: &mut Surface<'_>,
    doc: &VisitDocument,
    n: usize,
    m: usize,
) {
    let y = PAGE_HEIGHT - 36.0;
    rule(surface, BODY_BOTTOM + 10.0, 0.5, GREY);
    let code = format!("核验码 {}", doc.code.grouped());
    pen.text(surface, MARGIN, y, &code, style(8.5, false, GREY));
    pen.right(surface, y, &format!("第 {n} 页 / 共 {m} 页"), 8.5);
}

/// The QR code of the verify address, `size` points square, top-left at (`x`, `y`).
fn qr(surface: &mut Surface<'_>, text: &str, x: f32, y: f32, size: f32) {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return;
    };
    let modules = code.width();
    let cell = size / modules as f32;
    let mut path = PathBuilder::new();
    for (i, colour) in code.to_colors().iter().enumerate() {
        if *colour == qrcode::Color::Dark {
            let (col, row) = (i % modules, i / modules);
            if let Some(rect) =
                Rect::from_xywh(x + col as f32 * cell, y + row as f32 * cell, cell, cell)
            {
                path.push_rect(rect);
            }
        }
    }
    if let Some(path) = path.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(Fill {
            paint: paint(INK),
            ..Fill::default()
        }));
        surface.draw_path(&path);
    }
}

fn verification(
    pen: &mut Pen<'_, '_, '_>,
    surface: &mut Surface<'_>,
    doc: &VisitDocument,
    top: f32,
) {
    let side = VERIFY_HEIGHT - 6.0;
    qr(surface, &doc.verify_url, MARGIN, top, side);
    let x = MARGIN + side + 12.0;
    let width = TEXT_WIDTH - side - 12.0;
    let mut y = top + 14.0;
    pen.text(
        surface,
        x,
        y,
        &format!("核验码：{}", doc.code.grouped()),
        style(12.0, true, INK),
    );
    y += 16.0;
    let address = format!("核验地址：{}", doc.verify_url);
    for text in wrap_paragraph(pen.measure, &address, 8.5, width, width)
        .iter()
        .take(2)
    {
        pen.text(surface, x, y, text, style(8.5, false, INK));
        y += 8.5 * LEADING;
    }
    pen.text(
        surface,
        x,
        y,
        &format!("打印时间：{}", doc.printed_at),
        style(8.5, false, INK),
    );
    y += 8.5 * LEADING;
    pen.text(surface, x, y, "扫描二维码或访问核验地址，可核对本病历的真伪。Scan the code or visit the address to check this record.", style(7.5, false, GREY));
}

fn body(pen: &mut Pen<'_, '_, '_>, surface: &mut Surface<'_>, doc: &VisitDocument, items: &[Item]) {
    let mut y = BODY_TOP;
    for item in items {
        match item {
            Item::Line {
                x,
                text,
                size,
                bold,
            } => {
                // The baseline sits about one em below the line's top.
                pen.text(
                    surface,
                    MARGIN + x,
                    y + size * 1.1,
                    text,
                    style(*size, *bold, INK),
                );
            }
            Item::Gap(_) => {}
            Item::Rule => rule(surface, y + 4.0, 0.5, GREY),
            Item::Verification => verification(pen, surface, doc, y),
        }
        y += item.height();
    }
}

/// Draws every page and writes the PDF.
pub fn document(
    doc: &VisitDocument,
    font: &PdfFont,
    measure: &mut Measure<'_>,
    pages: &[Vec<Item>],
) -> Result<Vec<u8>, PdfError> {
    let mut pdf = Document::new();
    pdf.set_metadata(
        Metadata::new()
            .title(format!(
                "门诊病历 {} {}",
                doc.hospital_name_zh, doc.visited_at
            ))
            .language("zh-CN".into())
            .creator("Huimin".into()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| PdfError::Write("page size".into()))?;
    let mut pen = Pen { font, measure };
    for (n, items) in pages.iter().enumerate() {
        let mut page = pdf.start_page_with(settings.clone());
        let mut surface = page.surface();
        header(&mut pen, &mut surface, doc);
        body(&mut pen, &mut surface, doc, items);
        footer(&mut pen, &mut surface, doc, n + 1, pages.len());
        surface.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}
