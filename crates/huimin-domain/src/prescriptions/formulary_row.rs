//! One row of the formulary file: each field checked, the first problem named with its column.

use super::drug::{
    AntimicrobialGrade, Caution, DosageForm, DoseLimits, Drug, DrugClass, DrugKind, Micro, Route,
    StrengthUnit,
};
use crate::csv_table::list;
use crate::i18n::Text;
use crate::money::Money;

const MAX_NAME_CHARS: usize = 100;
const MAX_UNIT_CHARS: usize = 6;
const MAX_SOURCE_CHARS: usize = 300;
const MAX_PACKAGE: u32 = 10_000;

fn problem(column: &str, zh: impl std::fmt::Display, en: impl std::fmt::Display) -> Text {
    Text::new(format!("{column}：{zh}"), format!("{column}: {en}"))
}

/// `[A-Z0-9-]{2,20}`.
fn code(value: &str) -> Result<String, Text> {
    let ok = (2..=20).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(value.to_owned())
    } else {
        Err(problem(
            "code",
            format!("药品编码“{value}”无效：须为 2–20 位大写字母、数字或 -"),
            format!("drug code {value:?} is invalid: 2 to 20 capital letters, digits or -"),
        ))
    }
}

fn text(column: &str, value: &str, max: usize, required: bool) -> Result<String, Text> {
    if required && value.is_empty() {
        return Err(problem(column, "不能为空", "is empty"));
    }
    if value.chars().count() > max || value.contains(['<', '>']) {
        return Err(problem(
            column,
            format!("最多 {max} 个字符，且不能含 < >"),
            format!("at most {max} characters, without < or >"),
        ));
    }
    Ok(value.to_owned())
}

fn vocabulary<T: Copy>(
    column: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    codes: String,
) -> Result<T, Text> {
    parse(value).ok_or_else(|| {
        problem(
            column,
            format!("“{value}”无效，应为 {codes} 之一"),
            format!("{value:?} is not one of {codes}"),
        )
    })
}

fn optional<T: Copy>(
    column: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    codes: String,
) -> Result<Option<T>, Text> {
    if value.is_empty() {
        Ok(None)
    } else {
        vocabulary(column, value, parse, codes).map(Some)
    }
}

fn amount(column: &str, value: &str) -> Result<Micro, Text> {
    Micro::parse(value)
        .filter(|m| !m.is_zero() && *m <= Micro::MAX)
        .ok_or_else(|| {
            problem(
                column,
                format!("“{value}”不是大于 0 的数"),
                format!("{value:?} is not a number above 0"),
            )
        })
}

/// `min-max` or one number; empty: none.
fn range(column: &str, value: &str) -> Result<Option<(Micro, Micro)>, Text> {
    if value.is_empty() {
        return Ok(None);
    }
    let (low, high) = value.split_once('-').unwrap_or((value, value));
    let (low, high) = (amount(column, low)?, amount(column, high)?);
    if low > high {
        return Err(problem(
            column,
            format!("范围“{value}”的下限大于上限"),
            format!("range {value:?} has its low end above its high end"),
        ));
    }
    Ok(Some((low, high)))
}

fn limits(columns: (&str, &str), per_dose: &str, daily: &str) -> Result<DoseLimits, Text> {
    let per_dose = range(columns.0, per_dose)?;
    let daily_max = match daily {
        "" => None,
        value => Some(amount(columns.1, value)?),
    };
    if let (Some((_, high)), Some(max)) = (per_dose, daily_max)
        && high > max
    {
        return Err(problem(
            columns.1,
            "日最大量小于单次剂量上限",
            "the daily maximum is below the highest single dose",
        ));
    }
    Ok(DoseLimits {
        per_dose,
        daily_max,
    })
}

fn package_size(value: &str) -> Result<u32, Text> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_PACKAGE).contains(n))
        .ok_or_else(|| {
            problem(
                "package_size",
                format!("“{value}”须为 1–{MAX_PACKAGE} 的整数"),
                format!("{value:?} must be a whole number from 1 to {MAX_PACKAGE}"),
            )
        })
}

fn price(value: &str) -> Result<Money, Text> {
    Money::from_yuan_str(value)
        .ok()
        .filter(|m| m.fen() > 0)
        .ok_or_else(|| {
            problem(
                "price_yuan",
                format!("价格“{value}”无效：须为大于 0 的元，最多两位小数"),
                format!("price {value:?} is invalid: yuan above 0, two decimals at most"),
            )
        })
}

/// Seven characters: letter, two digits, two letters, two digits (J01CA04).
fn atc(value: &str, kind: DrugKind) -> Result<Option<String>, Text> {
    if value.is_empty() {
        return Ok(None);
    }
    let b = value.as_bytes();
    let ok = b.len() == 7
        && b[0].is_ascii_uppercase()
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3..5].iter().all(u8::is_ascii_uppercase)
        && b[5..7].iter().all(u8::is_ascii_digit);
    if !ok {
        return Err(problem(
            "atc",
            format!("ATC 编码“{value}”无效（如 J01CA04）"),
            format!("ATC code {value:?} is invalid (like J01CA04)"),
        ));
    }
    if kind == DrugKind::Patent {
        return Err(problem(
            "atc",
            "中成药没有 ATC 编码",
            "Chinese patent medicines have no ATC code",
        ));
    }
    Ok(Some(value.to_owned()))
}

fn classes(value: &str) -> Result<Vec<DrugClass>, Text> {
    let mut out = Vec::new();
    for code in list(value) {
        let class = vocabulary("classes", &code, DrugClass::from_code, DrugClass::codes())?;
        if !out.contains(&class) {
            out.push(class);
        }
    }
    Ok(out)
}

/// Lower-case words, digits, spaces and hyphens: `clavulanic acid`, `penicillins`.
fn terms(column: &str, value: &str) -> Result<Vec<String>, Text> {
    let items = list(value);
    for item in &items {
        let ok = item.chars().count() <= 60
            && item.chars().all(|c| {
                c.is_lowercase()
                    || c.is_ascii_digit()
                    || " -,()".contains(c)
                    || (!c.is_ascii() && c.is_alphabetic())
            });
        if !ok {
            return Err(problem(
                column,
                format!("“{item}”须为小写英文（或中文）名称"),
                format!("{item:?} must be a lower-case name"),
            ));
        }
    }
    Ok(items)
}

/// The drug one row describes.
pub(super) fn row(f: &[&str]) -> Result<Drug, Text> {
    let kind = vocabulary("kind", f[4], DrugKind::from_code, DrugKind::codes())?;
    let ingredients = terms("ingredients", f[14])?;
    if kind == DrugKind::Western && ingredients.is_empty() {
        return Err(problem(
            "ingredients",
            "西药须列出有效成分",
            "a western drug must list its active ingredients",
        ));
    }
    Ok(Drug {
        code: code(f[0])?,
        generic: Text::new(
            text("generic_zh", f[1], MAX_NAME_CHARS, true)?,
            text("generic_en", f[2], MAX_NAME_CHARS, true)?,
        ),
        brands: list(&text("brands", f[3], 200, false)?),
        kind,
        form: vocabulary("form", f[5], DosageForm::from_code, DosageForm::codes())?,
        strength: amount("strength", f[6])?,
        strength_unit: vocabulary(
            "strength_unit",
            f[7],
            StrengthUnit::from_code,
            StrengthUnit::codes(),
        )?,
        piece_unit: text("piece_unit", f[8], MAX_UNIT_CHARS, true)?,
        package_size: package_size(f[9])?,
        package_unit: text("package_unit", f[10], MAX_UNIT_CHARS, true)?,
        route: vocabulary("route", f[11], Route::from_code, Route::codes())?,
        price: price(f[12])?,
        atc: atc(f[13], kind)?,
        ingredients,
        classes: classes(f[15])?,
        antimicrobial: optional(
            "antimicrobial",
            f[16],
            AntimicrobialGrade::from_code,
            AntimicrobialGrade::codes(),
        )?,
        allergy_groups: terms("allergy_groups", f[17])?,
        pregnancy: optional("pregnancy", f[18], Caution::from_code, Caution::codes())?,
        child: optional("child", f[19], Caution::from_code, Caution::codes())?,
        elderly: optional("elderly", f[20], Caution::from_code, Caution::codes())?,
        adult_dose: limits(("adult_dose", "adult_daily_max"), f[21], f[22])?,
        child_dose_per_kg: limits(
            ("child_dose_per_kg", "child_daily_max_per_kg"),
            f[23],
            f[24],
        )?,
        source: text("source", f[25], MAX_SOURCE_CHARS, true)?,
    })
}
