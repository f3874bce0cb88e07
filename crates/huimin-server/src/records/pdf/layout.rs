//! The body of the record as lines with positions, and their division into pages.

use huimin_domain::records::VisitDocument;

use super::wrap::{Measure, wrap_text};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
/// 20 mm left and right.
pub const MARGIN: f32 = 56.7;
pub const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where the body starts (below the repeated header and title) and ends (above the footer).
pub const BODY_TOP: f32 = 150.0;
pub const BODY_BOTTOM: f32 = PAGE_HEIGHT - 62.0;

pub const BODY_SIZE: f32 = 10.5;
const LABEL_SIZE: f32 = 10.5;
const SMALL_SIZE: f32 = 9.0;
/// Line height as a multiple of the font size.
pub const LEADING: f32 = 1.55;
/// Height of the verification block (its QR code and four lines beside it).
pub const VERIFY_HEIGHT: f32 = 84.0;

/// One thing in the body.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A line of text `x` points right of the margin; `bold` labels are stroked a little.
    Line {
        x: f32,
        text: String,
        size: f32,
        bold: bool,
    },
    /// Vertical space.
    Gap(f32),
    /// A thin horizontal rule.
    Rule,
    /// The code, the address and its QR code, kept on one page.
    Verification,
}

impl Item {
    pub fn height(&self) -> f32 {
        match self {
            Item::Line { size, .. } => size * LEADING,
            Item::Gap(h) => *h,
            Item::Rule => 8.0,
            Item::Verification => VERIFY_HEIGHT,
        }
    }
}

fn line(x: f32, text: impl Into<String>, size: f32, bold: bool) -> Item {
    Item::Line {
        x,
        text: text.into(),
        size,
        bold,
    }
}

/// `label` in bold, then `text` wrapped beside it with a hanging indent: the label, a
/// negative gap of one line, then the lines of text (the first on the label's baseline).
fn labelled(measure: &mut Measure<'_>, items: &mut Vec<Item>, label: &str, text: &str) {
    let indent = measure.width(label, LABEL_SIZE);
    let width = TEXT_WIDTH - indent;
    items.push(line(0.0, label, LABEL_SIZE, true));
    items.push(Item::Gap(-(LABEL_SIZE * LEADING)));
    for text in wrap_text(measure, text, BODY_SIZE, width, width) {
        items.push(line(indent, text, BODY_SIZE, false));
    }
}

/// Fields in a row (`姓名：张三　性别：男`), wrapped when they do not fit.
fn fields(measure: &mut Measure<'_>, items: &mut Vec<Item>, pairs: &[(&str, &str)]) {
    let row = pairs
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(label, value)| format!("{label}：{value}"))
        .collect::<Vec<_>>()
        .join("　　");
    for text in wrap_text(measure, &row, BODY_SIZE, TEXT_WIDTH, TEXT_WIDTH) {
        items.push(line(0.0, text, BODY_SIZE, false));
    }
}

/// Everything between the header and the footer, top to bottom.
pub fn body(doc: &VisitDocument, measure: &mut Measure<'_>) -> Vec<Item> {
    let mut items = Vec::new();
    fields(
        measure,
        &mut items,
        &[
            ("姓名", &doc.patient_name),
            ("性别", &doc.patient_sex),
            ("年龄", &doc.patient_age),
            ("证件号", &doc.patient_id_masked),
        ],
    );
    fields(
        measure,
        &mut items,
        &[("就诊号", &doc.visit_number), ("就诊时间", &doc.visited_at)],
    );
    fields(
        measure,
        &mut items,
        &[("科室", &doc.department), ("医师", &doc.doctor)],
    );
    items.push(Item::Rule);
    for section in &doc.sections {
        labelled(
            measure,
            &mut items,
            &format!("{}：", section.title),
            &section.text,
        );
        items.push(Item::Gap(4.0));
    }
    if !doc.diagnoses.is_empty() {
        let text = doc
            .diagnoses
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{}. {}", i + 1, d.printed()))
            .collect::<Vec<_>>()
            .join("\n");
        labelled(measure, &mut items, "诊断（ICD-10）：", &text);
        items.push(Item::Gap(4.0));
    }
    if !doc.allergies.is_empty() {
        let text = doc
            .allergies
            .iter()
            .map(|a| {
                let detail: Vec<&str> = [a.reaction.as_str(), a.severity.as_str()]
                    .into_iter()
                    .filter(|s| !s.trim().is_empty())
                    .collect();
                if detail.is_empty() {
                    a.substance.clone()
                } else {
                    format!("{}：{}", a.substance, detail.join("，"))
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        labelled(measure, &mut items, "过敏记录：", &text);
        items.push(Item::Gap(4.0));
    }
    if !doc.results.is_empty() {
        items.push(Item::Rule);
        for report in &doc.results {
            labelled(
                measure,
                &mut items,
                &format!("{}：", report.title),
                &report.text,
            );
            items.push(Item::Gap(4.0));
        }
    }
    items.push(Item::Rule);
    for text in wrap_text(
        measure,
        &doc.signature_text(),
        SMALL_SIZE,
        TEXT_WIDTH,
        TEXT_WIDTH,
    ) {
        items.push(line(0.0, text, SMALL_SIZE, false));
    }
    items.push(Item::Gap(8.0));
    items.push(Item::Verification);
    items
}

/// The body's items divided into pages. A label stays with the line beside it (the
/// negative gap between them is never a page's first item) and the verification block is
/// never split.
pub fn paginate(items: Vec<Item>) -> Vec<Vec<Item>> {
    let room = BODY_BOTTOM - BODY_TOP;
    let mut pages = vec![Vec::new()];
    let mut used = 0.0;
    let mut iter = items.into_iter().peekable();
    while let Some(item) = iter.next() {
        // A label and the first line beside it go together.
        let mut group = vec![item];
        while matches!(iter.peek(), Some(Item::Gap(h)) if *h < 0.0) {
            group.push(iter.next().expect("peeked"));
            group.extend(iter.next());
        }
        let height: f32 = group.iter().map(Item::height).sum();
        let page = pages.last_mut().expect("one page at least");
        if used + height > room && !page.is_empty() {
            pages.push(Vec::new());
            used = 0.0;
            if matches!(group.as_slice(), [Item::Gap(_)] | [Item::Rule]) {
                continue;
            }
        }
        used += height;
        pages.last_mut().expect("one page at least").extend(group);
    }
    pages
}
