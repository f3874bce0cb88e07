//! The invoice as an A4 PDF (krilla, the same embedded CJK face as printed records): title,
//! number and date, hospital and patient, the items table, the total in figures and in
//! capitals, the payments by method, the 校验码 and the demonstration notice. Items beyond a
//! page continue on the next, under the same heading.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;

use super::InvoiceDocument;
use crate::records::pdf::wrap::Measure;
use crate::state::pdf_font::PdfFont;

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.7;
const ROW: f32 = 17.0;
const ROWS_PER_PAGE: usize = 30;
/// Right edges of the quantity, unit price and amount columns.
const QTY_RIGHT: f32 = 360.0;
const UNIT_RIGHT: f32 = 450.0;
const AMOUNT_RIGHT: f32 = PAGE_WIDTH - MARGIN;
const NAME_WIDTH: f32 = 230.0;

/// `12.50`
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

struct Pen<'a, 'm> {
    font: &'a PdfFont,
    measure: &'m mut Measure<'a>,
}

impl Pen<'_, '_> {
    fn text(&mut self, s: &mut Surface<'_>, x: f32, y: f32, text: &str, size: f32) {
        if text.is_empty() {
            return;
        }
        s.set_fill(Some(Fill {
            paint: rgb::Color::new(20, 20, 20).into(),
            ..Fill::default()
        }));
        s.draw_text(
            Point::from_xy(x, y),
            self.font.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    fn right(&mut self, s: &mut Surface<'_>, right: f32, y: f32, text: &str, size: f32) {
        let x = right - self.measure.width(text, size);
        self.text(s, x, y, text, size);
    }

    fn centred(&mut self, s: &mut Surface<'_>, y: f32, text: &str, size: f32) {
        let x = (PAGE_WIDTH - self.measure.width(text, size)) / 2.0;
        self.text(s, x, y, text, size);
    }

    /// `text` cut to `width` with an ellipsis (an item name longer than its column).
    fn fit(&mut self, text: &str, width: f32, size: f32) -> String {
        if self.measure.width(text, size) <= width {
            return text.to_owned();
        }
        let mut out = String::new();
        for c in text.chars() {
            if self.measure.width(&format!("{out}{c}…"), size) > width {
                break;
            }
            out.push(c);
        }
        out.push('…');
        out
    }
}

fn rule(s: &mut Surface<'_>, y: f32) {
    let mut path = PathBuilder::new();
    path.move_to(MARGIN, y);
    path.line_to(PAGE_WIDTH - MARGIN, y);
    if let Some(path) = path.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: rgb::Color::new(110, 110, 110).into(),
            width: 0.6,
            ..Stroke::default()
        }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
}

/// The heading every page carries; the y below it.
fn heading(
    pen: &mut Pen<'_, '_>,
    s: &mut Surface<'_>,
    doc: &InvoiceDocument,
    page: (usize, usize),
) -> f32 {
    pen.centred(s, 60.0, "医疗门诊收费票据（电子）", 17.0);
    pen.centred(s, 76.0, "Outpatient medical invoice (electronic)", 8.5);
    let mut y = 104.0;
    pen.text(s, MARGIN, y, &format!("票据号码 No.：{}", doc.number), 10.0);
    pen.right(
        s,
        AMOUNT_RIGHT,
        y,
        &format!("开票日期 Date：{}", doc.issued_on),
        10.0,
    );
    y += ROW;
    let hospital = if doc.hospital_en.is_empty() {
        doc.hospital_zh.clone()
    } else {
        format!("{}（{}）", doc.hospital_zh, doc.hospital_en)
    };
    pen.text(
        s,
        MARGIN,
        y,
        &format!("收款单位 Hospital：{hospital}"),
        10.0,
    );
    y += ROW;
    pen.text(
        s,
        MARGIN,
        y,
        &format!("交款人 Patient：{}", doc.patient_name),
        10.0,
    );
    if page.1 > 1 {
        pen.right(
            s,
            AMOUNT_RIGHT,
            y,
            &format!("第 {} 页 / 共 {} 页", page.0, page.1),
            9.0,
        );
    }
    y += ROW * 0.6;
    rule(s, y);
    y += ROW;
    pen.text(s, MARGIN, y, "项目名称 Item", 9.5);
    pen.right(s, QTY_RIGHT, y, "数量 Qty", 9.5);
    pen.right(s, UNIT_RIGHT, y, "单价 Unit (元)", 9.5);
    pen.right(s, AMOUNT_RIGHT, y, "金额 Amount (元)", 9.5);
    y += ROW * 0.5;
    rule(s, y);
    y + ROW
}

/// The totals, payments, 校验码 and the notice, under the last page's items.
fn closing(pen: &mut Pen<'_, '_>, s: &mut Surface<'_>, doc: &InvoiceDocument, mut y: f32) {
    y -= ROW * 0.5;
    rule(s, y);
    y += ROW;
    pen.text(
        s,
        MARGIN,
        y,
        &format!("合计（大写）Total in words：{}", doc.total_words),
        10.5,
    );
    y += ROW;
    pen.text(
        s,
        MARGIN,
        y,
        &format!("合计（小写）Total：¥{}", yuan(doc.total_fen)),
        10.5,
    );
    y += ROW * 1.4;
    pen.text(s, MARGIN, y, "支付方式 Payments:", 10.0);
    for (method, fen) in &doc.payments {
        y += ROW;
        pen.text(s, MARGIN + 16.0, y, method, 10.0);
        pen.right(s, UNIT_RIGHT, y, &format!("¥{}", yuan(*fen)), 10.0);
    }
    y += ROW * 1.4;
    pen.text(
        s,
        MARGIN,
        y,
        &format!("校验码 Check code：{}", doc.check_code),
        10.0,
    );
    y += ROW * 1.6;
    pen.text(
        s,
        MARGIN,
        y,
        "演示票据：未接入财政电子票据平台 Demonstration invoice",
        10.0,
    );
    y += ROW;
    pen.text(
        s,
        MARGIN,
        y,
        "本票据由惠民系统生成，不是财政部门监制的电子票据。Issued by Huimin, not by the fiscal e-invoice platform.",
        7.5,
    );
}

/// The invoice as PDF bytes.
pub fn render_invoice_pdf(doc: &InvoiceDocument, font: &PdfFont) -> Result<Vec<u8>, String> {
    let mut pdf = Document::new();
    pdf.set_metadata(
        Metadata::new()
            .title(format!("医疗门诊收费票据（电子）{}", doc.number))
            .language("zh-CN".into())
            .creator("Huimin".into()),
    );
    let settings =
        PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| "page size".to_owned())?;
    let mut measure = Measure::new(font);
    let mut pen = Pen {
        font,
        measure: &mut measure,
    };
    let pages: Vec<_> = if doc.lines.is_empty() {
        vec![&doc.lines[..]]
    } else {
        doc.lines.chunks(ROWS_PER_PAGE).collect()
    };
    for (n, lines) in pages.iter().enumerate() {
        let mut page = pdf.start_page_with(settings.clone());
        let mut s = page.surface();
        let mut y = heading(&mut pen, &mut s, doc, (n + 1, pages.len()));
        for line in *lines {
            let name = pen.fit(&line.name, NAME_WIDTH, 10.0);
            pen.text(&mut s, MARGIN, y, &name, 10.0);
            pen.right(&mut s, QTY_RIGHT, y, &line.quantity.to_string(), 10.0);
            pen.right(&mut s, UNIT_RIGHT, y, &yuan(line.unit_fen), 10.0);
            pen.right(&mut s, AMOUNT_RIGHT, y, &yuan(line.amount_fen), 10.0);
            y += ROW;
        }
        if n + 1 == pages.len() {
            closing(&mut pen, &mut s, doc, y);
        }
        s.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| format!("{e:?}"))
}
