//! A prescription 处方 as the doctor writes it: its kind, its validity, and its lines (drug,
//! dose, frequency, route, days and the quantity those give). Checking a line turns typed
//! input into a [`Line`] or a [`FieldProblem`] naming the field; the clinical rules
//! (`checks`) then run over checked lines.

use super::drug::{DosageForm, Drug, Micro, Route, SCALE, StrengthUnit, vocabulary};
use super::frequency::Frequency;
use crate::i18n::Text;

vocabulary! {
    /// 处方类别 (处方管理办法 第五条): what paper colour and rules a prescription follows.
    PrescriptionKind {
        Ordinary => ("ordinary", "普通处方", "ordinary prescription"),
        Emergency => ("emergency", "急诊处方", "emergency prescription"),
        Paediatric => ("paediatric", "儿科处方", "paediatric prescription"),
        NarcoticPsychotropicOne => ("narcotic", "麻醉药品和第一类精神药品处方", "narcotic and class I psychotropic prescription"),
        PsychotropicTwo => ("psychotropic-2", "第二类精神药品处方", "class II psychotropic prescription"),
    }
}

/// Most drugs on one western/patent prescription (处方管理办法 第六条).
pub const MAX_LINES: usize = 5;
/// Days a prescription may be valid: the day written, extendable to three (第十八条).
pub const MAX_VALIDITY_DAYS: u32 = 3;
/// Longest course a line may be written for: a long prescription's 12 weeks.
pub const MAX_DAYS: u32 = 84;
/// Longest note on a line.
pub const MAX_NOTE_CHARS: usize = 200;

/// What a dose is counted in: the drug's strength unit (or one convertible to it: g ↔ mg ↔
/// µg) or its pieces (片, 粒, mL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoseUnit {
    Strength(StrengthUnit),
    Piece,
}

impl DoseUnit {
    pub fn code(self, drug: &Drug) -> String {
        match self {
            DoseUnit::Strength(unit) => unit.code().to_owned(),
            DoseUnit::Piece => drug.piece_unit.clone(),
        }
    }

    pub fn display(self, drug: &Drug) -> String {
        match self {
            DoseUnit::Strength(unit) => unit.zh().to_owned(),
            DoseUnit::Piece => drug.piece_unit.clone(),
        }
    }
}

/// One line as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInput {
    pub drug: String,
    /// A decimal; may be empty only for a form used 适量 (ointments).
    pub dose: String,
    /// A strength unit code (`mg`) or the drug's piece unit (`粒`).
    pub dose_unit: String,
    pub frequency: String,
    /// Empty: the drug's own route.
    pub route: String,
    pub days: u32,
    /// Packages; `None`: computed from dose × frequency × days.
    pub quantity: Option<u32>,
    pub note: String,
}

/// A checked line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub drug: Drug,
    /// Zero for a form used 适量.
    pub dose: Micro,
    pub dose_unit: DoseUnit,
    pub frequency: Frequency,
    pub route: Route,
    pub days: u32,
    /// Packages dispensed.
    pub quantity: u32,
    pub note: String,
}

/// A problem with one field of the input, for an `OperationOutcome` naming it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub text: Text,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, text: Text) -> Self {
        FieldProblem {
            field: field.into(),
            text,
        }
    }
}

/// `amount` of `from` in `to`, when the two are the same kind of quantity.
fn convert(amount: Micro, from: StrengthUnit, to: StrengthUnit) -> Option<Micro> {
    use StrengthUnit::{G, Mg, Ug};
    let factor = |unit| match unit {
        G => Some(1_000_000u128),
        Mg => Some(1_000),
        Ug => Some(1),
        _ => None,
    };
    if from == to {
        return Some(amount);
    }
    let (f, t) = (factor(from)?, factor(to)?);
    let value = u128::from(amount.0) * f / t;
    // A conversion that loses a fraction of a millionth is refused rather than rounded.
    if value * t / f != u128::from(amount.0) {
        return None;
    }
    u64::try_from(value).ok().map(Micro)
}

/// Forms whose pieces may be split or measured: a dose may be half a tablet or 2.5 mL.
fn divisible(form: DosageForm) -> bool {
    matches!(
        form,
        DosageForm::Tablet
            | DosageForm::DispersibleTablet
            | DosageForm::ChewableTablet
            | DosageForm::OralSolution
            | DosageForm::Syrup
            | DosageForm::Suspension
            | DosageForm::Drops
            | DosageForm::Granules
            | DosageForm::Powder
    )
}

impl Line {
    /// The dose in the drug's strength unit (`None` for 适量).
    pub fn dose_amount(&self) -> Option<Micro> {
        if self.dose.is_zero() {
            return None;
        }
        match self.dose_unit {
            DoseUnit::Strength(unit) => convert(self.dose, unit, self.drug.strength_unit),
            DoseUnit::Piece => Some(self.dose.times(self.drug.strength)),
        }
    }

    /// Pieces one dose takes (`None` for 适量).
    pub fn pieces_per_dose(&self) -> Option<Micro> {
        pieces_per_dose(&self.drug, self.dose, self.dose_unit)
    }

    /// The most given in one day, in the strength unit (`None` when needed or 适量).
    pub fn daily_amount(&self) -> Option<Micro> {
        let per_day = self.frequency.doses_per_day()?;
        Some(Micro(
            self.dose_amount()?.0.saturating_mul(u64::from(per_day)),
        ))
    }

    /// Doses the quantity holds: what a PRN line or a typed quantity really covers.
    pub fn pieces(&self) -> u64 {
        u64::from(self.quantity) * u64::from(self.drug.package_size)
    }

    /// The patient's instruction: 口服，每日三次，每次1粒（0.5g）.
    pub fn instruction(&self) -> Text {
        let mut zh = format!("{}，{}", self.route.zh(), self.frequency.zh());
        let mut en = format!("{}, {}", capitalise(self.route.en()), self.frequency.en());
        if let Some(pieces) = self.pieces_per_dose() {
            let amount = self.dose_amount().unwrap_or_default();
            let unit = self.drug.strength_unit;
            if self.drug.piece_unit == unit.code() {
                zh.push_str(&format!("，每次{pieces}{}", self.drug.piece_unit));
                en.push_str(&format!(", {pieces} {} each time", self.drug.piece_unit));
            } else {
                zh.push_str(&format!(
                    "，每次{pieces}{}（{amount}{}）",
                    self.drug.piece_unit,
                    unit.zh()
                ));
                en.push_str(&format!(
                    ", {pieces} {} ({amount} {}) each time",
                    self.drug.piece_unit,
                    unit.en()
                ));
            }
        } else {
            zh.push_str("，适量");
            en.push_str(", a thin layer as needed");
        }
        if !self.note.is_empty() {
            zh.push_str(&format!("，{}", self.note));
            en.push_str(&format!(", {}", self.note));
        }
        Text::new(zh, en)
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn pieces_per_dose(drug: &Drug, dose: Micro, unit: DoseUnit) -> Option<Micro> {
    if dose.is_zero() {
        return None;
    }
    match unit {
        DoseUnit::Piece => Some(dose),
        DoseUnit::Strength(unit) => {
            let amount = convert(dose, unit, drug.strength_unit)?;
            if drug.strength.is_zero() {
                return None;
            }
            let pieces = u128::from(amount.0) * u128::from(SCALE) / u128::from(drug.strength.0);
            u64::try_from(pieces).ok().map(Micro)
        }
    }
}

/// Packages for `pieces` pieces (in millionths), rounded up.
fn packages(pieces: u128, package_size: u32) -> u32 {
    let per_package = u128::from(package_size) * u128::from(SCALE);
    u32::try_from(pieces.div_ceil(per_package)).unwrap_or(u32::MAX)
}

/// The quantity in packages that `dose × frequency × days` needs, `None` when it cannot be
/// computed (PRN, 适量): the doctor then writes it.
pub fn computed_quantity(
    drug: &Drug,
    dose: Micro,
    unit: DoseUnit,
    frequency: Frequency,
    days: u32,
) -> Option<u32> {
    let per_dose = pieces_per_dose(drug, dose, unit)?;
    let doses = frequency.doses_over(days)?;
    // A piece that cannot be split is used whole at every dose (an opened ampoule is thrown
    // away); divisible forms are counted together.
    let per_dose = if divisible(drug.form) {
        u128::from(per_dose.0)
    } else {
        u128::from(per_dose.0).div_ceil(u128::from(SCALE)) * u128::from(SCALE)
    };
    Some(packages(per_dose * u128::from(doses), drug.package_size))
}

/// Checks one typed line against the drug it names (`lookup` finds it in the formulary).
/// `index` places the field names: `lines[2].dose`.
pub fn check_line<'a>(
    input: &LineInput,
    index: usize,
    lookup: impl Fn(&str) -> Option<&'a Drug>,
) -> Result<Line, FieldProblem> {
    let field = |name: &str| format!("lines[{index}].{name}");
    let code = input.drug.trim();
    let drug = lookup(code).ok_or_else(|| {
        FieldProblem::new(
            field("drug"),
            Text::new(
                format!("药品编码“{code}”不在本院药品字典中"),
                format!("drug code {code:?} is not in the hospital's formulary"),
            ),
        )
    })?;
    let frequency = Frequency::from_code(input.frequency.trim()).ok_or_else(|| {
        FieldProblem::new(
            field("frequency"),
            Text::new(
                format!(
                    "用药频次“{}”无效，应为 {} 之一",
                    input.frequency.trim(),
                    Frequency::codes()
                ),
                format!(
                    "unknown frequency {:?}; use one of {}",
                    input.frequency.trim(),
                    Frequency::codes()
                ),
            ),
        )
    })?;
    let route = match input.route.trim() {
        "" => drug.route,
        code => Route::from_code(code).ok_or_else(|| {
            FieldProblem::new(
                field("route"),
                Text::new(
                    format!("给药途径“{code}”无效，应为 {} 之一", Route::codes()),
                    format!("unknown route {code:?}; use one of {}", Route::codes()),
                ),
            )
        })?,
    };
    if input.days == 0 || input.days > MAX_DAYS {
        return Err(FieldProblem::new(
            field("days"),
            Text::new(
                format!("用药天数须为 1–{MAX_DAYS} 天"),
                format!("the days must be 1 to {MAX_DAYS}"),
            ),
        ));
    }
    let (dose, dose_unit) = check_dose(input, drug, &field)?;
    let computed = computed_quantity(drug, dose, dose_unit, frequency, input.days);
    let quantity = check_quantity(input.quantity, computed, drug, &field)?;
    let note = input.note.trim();
    if note.chars().count() > MAX_NOTE_CHARS || note.contains(['<', '>']) {
        return Err(FieldProblem::new(
            field("note"),
            Text::new(
                format!("备注最多 {MAX_NOTE_CHARS} 个字符，且不能含 < >"),
                format!("the note may hold {MAX_NOTE_CHARS} characters at most, without < or >"),
            ),
        ));
    }
    Ok(Line {
        drug: drug.clone(),
        dose,
        dose_unit,
        frequency,
        route,
        days: input.days,
        quantity,
        note: note.to_owned(),
    })
}

fn check_dose(
    input: &LineInput,
    drug: &Drug,
    field: &dyn Fn(&str) -> String,
) -> Result<(Micro, DoseUnit), FieldProblem> {
    let unit_text = input.dose_unit.trim();
    let unit = if unit_text == drug.piece_unit {
        DoseUnit::Piece
    } else {
        match StrengthUnit::from_code(unit_text) {
            Some(unit) if convert(Micro(SCALE), unit, drug.strength_unit).is_some() => {
                DoseUnit::Strength(unit)
            }
            _ => {
                let name = drug.name();
                return Err(FieldProblem::new(
                    field("dose_unit"),
                    Text::new(
                        format!(
                            "剂量单位“{unit_text}”不适用于{}，应为 {} 或 {}",
                            name.zh,
                            drug.strength_unit.code(),
                            drug.piece_unit
                        ),
                        format!(
                            "dose unit {unit_text:?} does not fit {}; use {} or {}",
                            name.en,
                            drug.strength_unit.code(),
                            drug.piece_unit
                        ),
                    ),
                ));
            }
        }
    };
    let dose_text = input.dose.trim();
    if dose_text.is_empty() && drug.form.dose_is_uncounted() {
        return Ok((Micro(0), unit));
    }
    let dose = Micro::parse(dose_text)
        .filter(|d| !d.is_zero() && *d <= Micro::MAX)
        .ok_or_else(|| {
            FieldProblem::new(
                field("dose"),
                Text::new(
                    format!("剂量“{dose_text}”无效：应为大于 0 的数字"),
                    format!("dose {dose_text:?} is invalid: it must be a number above 0"),
                ),
            )
        })?;
    let pieces = pieces_per_dose(drug, dose, unit).unwrap_or_default();
    let whole_pieces = pieces.0.is_multiple_of(SCALE);
    if !divisible(drug.form) && !whole_pieces && !drug.form.is_injection() {
        let name = drug.name();
        return Err(FieldProblem::new(
            field("dose"),
            Text::new(
                format!(
                    "{}不能分剂量：每次剂量须为整{}（{}{}/{}）",
                    name.zh,
                    drug.piece_unit,
                    drug.strength,
                    drug.strength_unit.zh(),
                    drug.piece_unit
                ),
                format!(
                    "{} cannot be split: a dose must be whole pieces ({} {} per {})",
                    name.en,
                    drug.strength,
                    drug.strength_unit.en(),
                    drug.piece_unit
                ),
            ),
        ));
    }
    if divisible(drug.form) && !pieces.0.is_multiple_of(SCALE / 4) && drug.piece_unit != "mL" {
        return Err(FieldProblem::new(
            field("dose"),
            Text::new(
                format!("每次剂量须为四分之一{}的整数倍", drug.piece_unit),
                format!("a dose must be a multiple of a quarter {}", drug.piece_unit),
            ),
        ));
    }
    Ok((dose, unit))
}

fn check_quantity(
    typed: Option<u32>,
    computed: Option<u32>,
    drug: &Drug,
    field: &dyn Fn(&str) -> String,
) -> Result<u32, FieldProblem> {
    match (typed, computed) {
        (Some(typed), Some(computed)) if typed != computed => Err(FieldProblem::new(
            field("quantity"),
            Text::new(
                format!(
                    "数量 {typed}{unit} 与剂量×频次×天数不符，应为 {computed}{unit}",
                    unit = drug.package_unit
                ),
                format!(
                    "quantity {typed} does not match dose × frequency × days: it should be {computed} ({})",
                    drug.package_unit
                ),
            ),
        )),
        (_, Some(computed)) => Ok(computed),
        (Some(typed), None) if (1..=99).contains(&typed) => Ok(typed),
        (_, None) => Err(FieldProblem::new(
            field("quantity"),
            Text::new(
                format!(
                    "必要时或适量使用的药品须填写数量（1–99{}）",
                    drug.package_unit
                ),
                format!(
                    "a drug used when needed or as a thin layer needs a quantity (1 to 99 {})",
                    drug.package_unit
                ),
            ),
        )),
    }
}

#[cfg(test)]
#[path = "prescription_tests.rs"]
mod tests;
