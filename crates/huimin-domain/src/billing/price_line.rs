//! One line of a price list: its fields, and the checks of each (`price_list.rs` runs them
//! over the file and keeps the issues).

use std::collections::HashMap;

use super::{PriceCategory, PriceItem};
use crate::directory::RegistrationClass;
use crate::i18n::Text;
use crate::money::Money;

const MAX_CODE_CHARS: usize = 40;
const MAX_NAME_CHARS: usize = 100;
const MAX_UNIT_CHARS: usize = 20;

/// Dearest item accepted, in fen: ¥100,000. A larger figure is a typo (fen entered as yuan).
pub const MAX_PRICE_FEN: i64 = 10_000_000;

/// `[A-Za-z0-9._-]{1,40}`: codes travel in URLs and reports, so they stay plain ASCII.
pub fn is_valid_code(code: &str) -> bool {
    (1..=MAX_CODE_CHARS).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// What the lines so far hold, to find repeats.
#[derive(Default)]
pub(super) struct Parsed {
    codes: HashMap<String, usize>,
    classes: HashMap<RegistrationClass, usize>,
}

impl Parsed {
    /// The line's item, or its first problem.
    pub fn item(&mut self, fields: &[&str], line: usize) -> Result<PriceItem, Text> {
        let field = |i: usize| fields.get(i).copied().unwrap_or_default();
        let code = check_code(field(0))?;
        if let Some(first) = self.codes.get(code) {
            return Err(Text::new(
                format!("编码“{code}”与第 {first} 行重复"),
                format!("code {code:?} is already on line {first}"),
            ));
        }
        let name = Text::new(
            check_text(field(1), ("中文名称", "Chinese name"), MAX_NAME_CHARS)?,
            check_text(field(2), ("英文名称", "English name"), MAX_NAME_CHARS)?,
        );
        let category = PriceCategory::from_code(field(3)).ok_or_else(|| {
            let known = PriceCategory::ALL.map(PriceCategory::code).join(", ");
            Text::new(
                format!("类别“{}”无效，应为 {known} 之一", field(3)),
                format!("unknown category {:?}; use one of {known}", field(3)),
            )
        })?;
        let unit = Text::new(
            check_text(field(4), ("中文单位", "Chinese unit"), MAX_UNIT_CHARS)?,
            check_text(field(5), ("英文单位", "English unit"), MAX_UNIT_CHARS)?,
        );
        let price = check_price(field(6))?;
        let registration_class = self.check_class(field(7), category, line)?;
        self.codes.insert(code.to_owned(), line);
        Ok(PriceItem {
            code: code.to_owned(),
            name,
            category,
            unit,
            price,
            registration_class,
        })
    }

    fn check_class(
        &mut self,
        value: &str,
        category: PriceCategory,
        line: usize,
    ) -> Result<Option<RegistrationClass>, Text> {
        if value.is_empty() {
            return Ok(None);
        }
        let Some(class) = RegistrationClass::from_code(value) else {
            let known = RegistrationClass::ALL
                .map(RegistrationClass::code)
                .join(", ");
            return Err(Text::new(
                format!("号别“{value}”无效，应为 {known} 之一或留空"),
                format!(
                    "unknown registration class {value:?}; use one of {known} or leave it empty"
                ),
            ));
        };
        if category != PriceCategory::Registration {
            return Err(Text::new(
                "只有挂号诊察类（registration）项目可以填写号别",
                "only registration items may name a registration class",
            ));
        }
        if let Some(first) = self.classes.get(&class) {
            return Err(Text::new(
                format!(
                    "号别 {} 已由第 {first} 行的项目使用，每个号别只能有一个项目",
                    class.zh()
                ),
                format!(
                    "registration class {} is already priced on line {first} (one item per class)",
                    class.code()
                ),
            ));
        }
        self.classes.insert(class, line);
        Ok(Some(class))
    }
}

fn check_code(code: &str) -> Result<&str, Text> {
    if code.is_empty() {
        return Err(Text::new("编码不能为空", "the code is empty"));
    }
    if !is_valid_code(code) {
        return Err(Text::new(
            format!("编码“{code}”无效：只能使用字母、数字和 . _ -，最多 {MAX_CODE_CHARS} 个字符"),
            format!(
                "code {code:?} is invalid: letters, digits and . _ - only, at most {MAX_CODE_CHARS}"
            ),
        ));
    }
    Ok(code)
}

/// A name or unit: present, not too long, and free of `<`/`>` (these texts reach pages,
/// printed receipts and other systems; markup in them is a mistake or an attack).
fn check_text(value: &str, (zh, en): (&str, &str), max: usize) -> Result<String, Text> {
    if value.is_empty() {
        return Err(Text::new(
            format!("{zh}不能为空"),
            format!("the {en} is empty"),
        ));
    }
    if value.chars().count() > max {
        return Err(Text::new(
            format!("{zh}超过 {max} 个字符"),
            format!("the {en} is longer than {max} characters"),
        ));
    }
    if value.contains(['<', '>']) {
        return Err(Text::new(
            format!("{zh}不能包含 < 或 >"),
            format!("the {en} must not contain < or >"),
        ));
    }
    Ok(value.to_owned())
}

fn check_price(value: &str) -> Result<Money, Text> {
    let price = Money::from_yuan_str(value).map_err(|e| {
        let why = e.message();
        Text::new(
            format!("价格无效：{}", why.zh),
            format!("bad price: {}", why.en),
        )
    })?;
    if price.fen() > MAX_PRICE_FEN {
        return Err(Text::new(
            format!("价格 ¥{} 超过上限 ¥100000.00", price.yuan_string()),
            format!(
                "price ¥{} is above the ¥100000.00 limit",
                price.yuan_string()
            ),
        ));
    }
    Ok(price)
}
