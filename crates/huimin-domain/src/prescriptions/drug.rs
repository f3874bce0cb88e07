//! A drug of the formulary 药品字典 and the vocabularies its rules depend on: dosage form,
//! route, strength, the control classes of Chinese drug law, antimicrobial grades and the
//! cautions for pregnancy, children and the elderly.

use crate::i18n::Text;
use crate::money::Money;

/// A decimal amount kept exact in millionths (a child's dose per kg in grams needs four
/// places): `Micro(250 * SCALE)` is 250.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Micro(pub u64);

/// Microonths in one.
pub const SCALE: u64 = 1_000_000;

impl Micro {
    /// Largest amount accepted: far above any dose, strength or package.
    pub const MAX: Micro = Micro(1_000_000_000 * SCALE);

    /// Parses `250`, `0.25`, `0.0067`: digits with at most six decimals.
    pub fn parse(text: &str) -> Option<Micro> {
        let text = text.trim();
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty()
            || whole.len() > 9
            || frac.len() > 6
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (text.contains('.') && frac.is_empty())
        {
            return None;
        }
        let whole: u64 = whole.parse().ok()?;
        let frac: u64 = format!("{frac:0<6}").parse().ok()?;
        Some(Micro(whole * SCALE + frac))
    }

    pub fn from_whole(n: u64) -> Micro {
        Micro(n.saturating_mul(SCALE))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self × other` (saturating).
    pub fn times(self, other: Micro) -> Micro {
        Micro(
            (u128::from(self.0) * u128::from(other.0) / u128::from(SCALE)).min(u128::from(u64::MAX))
                as u64,
        )
    }
}

impl std::fmt::Display for Micro {
    /// `250`, `0.25`, `12.5`: no trailing zeros.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = self.0 / SCALE;
        let frac = self.0 % SCALE;
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// Defines a closed vocabulary: code, Chinese and English label, `ALL`, `from_code`, `label`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => ($code:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            pub fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            pub fn label(self) -> Text {
                Text::new(self.zh(), self.en())
            }

            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// The codes, for an error message listing what is accepted.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// Western medicine 化学药品和生物制品, or Chinese patent medicine 中成药 (no ATC code).
    DrugKind {
        Western => ("western", "西药", "Western medicine"),
        Patent => ("patent", "中成药", "Chinese patent medicine"),
    }
}

vocabulary! {
    /// 剂型: what a piece is. It decides how a dose is counted and the narcotic quantity limits.
    DosageForm {
        Tablet => ("tablet", "片", "tablet"),
        Capsule => ("capsule", "胶囊", "capsule"),
        SrTablet => ("sr-tablet", "缓释片", "sustained-release tablet"),
        CrTablet => ("cr-tablet", "控释片", "controlled-release tablet"),
        SrCapsule => ("sr-capsule", "缓释胶囊", "sustained-release capsule"),
        EntericTablet => ("enteric-tablet", "肠溶片", "enteric-coated tablet"),
        EntericCapsule => ("enteric-capsule", "肠溶胶囊", "enteric-coated capsule"),
        DispersibleTablet => ("dispersible-tablet", "分散片", "dispersible tablet"),
        ChewableTablet => ("chewable-tablet", "咀嚼片", "chewable tablet"),
        SublingualTablet => ("sublingual-tablet", "舌下片", "sublingual tablet"),
        Granules => ("granules", "颗粒", "granules"),
        Powder => ("powder", "散", "powder"),
        OralSolution => ("oral-solution", "口服溶液", "oral solution"),
        Syrup => ("syrup", "糖浆", "syrup"),
        Suspension => ("suspension", "混悬液", "suspension"),
        Drops => ("drops", "滴剂", "drops"),
        Injection => ("injection", "注射液", "injection"),
        PowderInjection => ("powder-injection", "注射用粉针", "powder for injection"),
        Infusion => ("infusion", "输液", "infusion"),
        EyeDrops => ("eye-drops", "滴眼液", "eye drops"),
        EyeOintment => ("eye-ointment", "眼膏", "eye ointment"),
        EarDrops => ("ear-drops", "滴耳液", "ear drops"),
        NasalSpray => ("nasal-spray", "鼻喷雾剂", "nasal spray"),
        Ointment => ("ointment", "软膏", "ointment"),
        Cream => ("cream", "乳膏", "cream"),
        Gel => ("gel", "凝胶", "gel"),
        Lotion => ("lotion", "洗剂", "lotion"),
        Inhaler => ("inhaler", "吸入气雾剂", "inhaler"),
        InhalationPowder => ("inhalation-powder", "吸入粉雾剂", "inhalation powder"),
        NebuliserSolution => ("nebuliser-solution", "吸入溶液", "nebuliser solution"),
        Suppository => ("suppository", "栓", "suppository"),
        Patch => ("patch", "贴剂", "patch"),
        Pill => ("pill", "丸", "pill"),
        Tincture => ("tincture", "酊", "tincture"),
        Pessary => ("pessary", "阴道栓", "pessary"),
    }
}

impl DosageForm {
    /// The name printed after the generic name: 阿莫西林 + 胶囊; a powder for injection reads
    /// 注射用 + 头孢曲松钠.
    pub fn drug_name(self, generic_zh: &str) -> String {
        match self {
            DosageForm::PowderInjection => format!("注射用{generic_zh}"),
            DosageForm::Infusion => format!("{generic_zh}注射液"),
            _ => format!("{generic_zh}{}", self.zh()),
        }
    }

    /// Injections of every kind: a narcotic injection is limited to one dose.
    pub fn is_injection(self) -> bool {
        matches!(
            self,
            DosageForm::Injection | DosageForm::PowderInjection | DosageForm::Infusion
        )
    }

    /// Sustained- and controlled-release forms (缓控释制剂): narcotics up to 7 days.
    pub fn is_modified_release(self) -> bool {
        matches!(
            self,
            DosageForm::SrTablet | DosageForm::CrTablet | DosageForm::SrCapsule | DosageForm::Patch
        )
    }

    /// Forms used "as needed in a thin layer" (适量): their dose is not counted in pieces, so
    /// the quantity is written by the doctor.
    pub fn dose_is_uncounted(self) -> bool {
        matches!(
            self,
            DosageForm::Ointment
                | DosageForm::Cream
                | DosageForm::Gel
                | DosageForm::Lotion
                | DosageForm::EyeOintment
                | DosageForm::Tincture
        )
    }
}

vocabulary! {
    /// 给药途径.
    Route {
        Oral => ("oral", "口服", "by mouth"),
        Sublingual => ("sublingual", "舌下含服", "under the tongue"),
        Iv => ("iv", "静脉注射", "intravenous injection"),
        Ivgtt => ("ivgtt", "静脉滴注", "intravenous drip"),
        Im => ("im", "肌内注射", "intramuscular injection"),
        Sc => ("sc", "皮下注射", "subcutaneous injection"),
        Intradermal => ("intradermal", "皮内注射", "intradermal injection"),
        Topical => ("topical", "外用", "on the skin"),
        Ophthalmic => ("ophthalmic", "滴眼", "in the eye"),
        Otic => ("otic", "滴耳", "in the ear"),
        Nasal => ("nasal", "鼻用", "in the nose"),
        Inhalation => ("inhalation", "吸入", "inhaled"),
        Rectal => ("rectal", "直肠给药", "rectal"),
        Vaginal => ("vaginal", "阴道给药", "vaginal"),
        Transdermal => ("transdermal", "经皮贴敷", "on the skin (patch)"),
    }
}

vocabulary! {
    /// The unit of a strength or a dose.
    StrengthUnit {
        G => ("g", "g", "g"),
        Mg => ("mg", "mg", "mg"),
        Ug => ("ug", "μg", "µg"),
        Iu => ("IU", "IU", "IU"),
        Ml => ("mL", "mL", "mL"),
        Mmol => ("mmol", "mmol", "mmol"),
        Percent => ("%", "%", "%"),
    }
}

vocabulary! {
    /// The classes drug law and hospital rules depend on.
    DrugClass {
        Narcotic => ("narcotic", "麻醉药品", "narcotic"),
        PsychotropicOne => ("psychotropic-1", "第一类精神药品", "class I psychotropic"),
        PsychotropicTwo => ("psychotropic-2", "第二类精神药品", "class II psychotropic"),
        Toxic => ("toxic", "医疗用毒性药品", "toxic drug for medical use"),
        Radioactive => ("radioactive", "放射性药品", "radioactive drug"),
        Precursor => ("precursor", "药品类易制毒化学品", "precursor chemical"),
        HighAlert => ("high-alert", "高警示药品", "high-alert medication"),
        ColdStorage => ("cold-storage", "冷藏药品", "cold storage (2–8 °C)"),
        SkinTest => ("skin-test", "需皮试", "needs a skin test"),
    }
}

vocabulary! {
    /// 抗菌药物分级 (抗菌药物临床应用管理办法 2012): who may prescribe it.
    AntimicrobialGrade {
        Unrestricted => ("unrestricted", "非限制使用级", "unrestricted"),
        Restricted => ("restricted", "限制使用级", "restricted"),
        Special => ("special", "特殊使用级", "special use"),
    }
}

vocabulary! {
    /// How a drug is to be used in a group of patients.
    Caution {
        Caution => ("caution", "慎用", "use with caution"),
        Avoid => ("avoid", "禁用", "do not use"),
    }
}

/// A per-dose range and a daily maximum, in the drug's strength unit (per kg for children).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct DoseLimits {
    pub per_dose: Option<(Micro, Micro)>,
    pub daily_max: Option<Micro>,
}

impl DoseLimits {
    pub fn is_empty(&self) -> bool {
        self.per_dose.is_none() && self.daily_max.is_none()
    }
}

/// One drug the hospital stocks: a generic in one form and strength.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drug {
    /// The hospital's drug code.
    pub code: String,
    /// 通用名 without the form: 阿莫西林 / Amoxicillin.
    pub generic: Text,
    /// 商品名.
    pub brands: Vec<String>,
    pub kind: DrugKind,
    pub form: DosageForm,
    /// Active content of one piece.
    pub strength: Micro,
    pub strength_unit: StrengthUnit,
    /// The countable piece: 片, 粒, 支, mL.
    pub piece_unit: String,
    /// Pieces in one package, and the package's unit (盒).
    pub package_size: u32,
    pub package_unit: String,
    pub route: Route,
    /// Price of one package.
    pub price: Money,
    /// WHO ATC code (7 characters) where one exists.
    pub atc: Option<String>,
    /// Active ingredients, lower-case INN.
    pub ingredients: Vec<String>,
    pub classes: Vec<DrugClass>,
    pub antimicrobial: Option<AntimicrobialGrade>,
    /// Allergy groups the drug belongs to (`penicillins`).
    pub allergy_groups: Vec<String>,
    pub pregnancy: Option<Caution>,
    pub child: Option<Caution>,
    pub elderly: Option<Caution>,
    pub adult_dose: DoseLimits,
    /// Per kg of body weight.
    pub child_dose_per_kg: DoseLimits,
    /// Where the row's facts come from.
    pub source: String,
}

impl Drug {
    /// 阿莫西林胶囊 / Amoxicillin capsule.
    pub fn name(&self) -> Text {
        Text::new(
            self.form.drug_name(&self.generic.zh),
            format!("{} {}", self.generic.en, self.form.en()),
        )
    }

    /// 0.25g×24粒/盒: the specification printed on a prescription.
    pub fn specification(&self) -> String {
        format!(
            "{}{}×{}{}/{}",
            self.strength,
            self.strength_unit.zh(),
            self.package_size,
            self.piece_unit,
            self.package_unit
        )
    }

    pub fn has(&self, class: DrugClass) -> bool {
        self.classes.contains(&class)
    }

    /// Narcotic or class I/II psychotropic: a special prescription by a qualified doctor.
    pub fn is_controlled(&self) -> bool {
        self.has(DrugClass::Narcotic)
            || self.has(DrugClass::PsychotropicOne)
            || self.has(DrugClass::PsychotropicTwo)
    }

    /// The ATC level-4 class (chemical subgroup, 5 characters: `C10AA`).
    pub fn atc_level4(&self) -> Option<&str> {
        self.atc.as_deref().and_then(|atc| atc.get(..5))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_parses_exact_decimals_and_prints_them_back() {
        for (text, value) in [
            ("250", 250_000_000),
            ("0.25", 250_000),
            ("12.5", 12_500_000),
            ("0.0067", 6_700),
            ("0.000001", 1),
        ] {
            let parsed = Micro::parse(text).unwrap();
            assert_eq!(parsed, Micro(value));
            assert_eq!(parsed.to_string(), text);
        }
        for bad in [
            "",
            ".5",
            "5.",
            "1.2345678",
            "-1",
            "1e3",
            "abc",
            "1,5",
            "1234567890",
        ] {
            assert_eq!(Micro::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn vocabularies_read_their_codes_back() {
        for form in DosageForm::ALL {
            assert_eq!(DosageForm::from_code(form.code()), Some(*form));
        }
        assert_eq!(
            DosageForm::PowderInjection.drug_name("头孢曲松钠"),
            "注射用头孢曲松钠"
        );
        assert_eq!(DosageForm::Capsule.drug_name("阿莫西林"), "阿莫西林胶囊");
        assert_eq!(Route::from_code("ivgtt"), Some(Route::Ivgtt));
        assert_eq!(Route::from_code("IV"), None);
    }
}
