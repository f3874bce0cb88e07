//! Drugs for the tests of this module, written as the formulary's rows would read them.

use super::drug::*;
use crate::i18n::Text;
use crate::money::Money;

/// A drug with the given code, generic names, form, strength and package; no classes.
pub fn drug(
    code: &str,
    (zh, en): (&str, &str),
    form: DosageForm,
    (strength, unit): (&str, StrengthUnit),
    (piece, package_size): (&str, u32),
) -> Drug {
    Drug {
        code: code.to_owned(),
        generic: Text::new(zh, en),
        brands: Vec::new(),
        kind: DrugKind::Western,
        form,
        strength: Micro::parse(strength).unwrap(),
        strength_unit: unit,
        piece_unit: piece.to_owned(),
        package_size,
        package_unit: "盒".to_owned(),
        route: if form.is_injection() {
            Route::Iv
        } else {
            Route::Oral
        },
        price: Money::from_fen(1_000).unwrap(),
        atc: None,
        ingredients: vec![en.to_lowercase()],
        classes: Vec::new(),
        antimicrobial: None,
        allergy_groups: Vec::new(),
        pregnancy: None,
        child: None,
        elderly: None,
        adult_dose: DoseLimits::default(),
        child_dose_per_kg: DoseLimits::default(),
        source: "test".to_owned(),
    }
}

/// 阿莫西林胶囊 0.25g×24粒: a penicillin that needs a skin test.
pub fn amoxicillin() -> Drug {
    let mut d = drug(
        "EM0001",
        ("阿莫西林", "Amoxicillin"),
        DosageForm::Capsule,
        ("0.25", StrengthUnit::G),
        ("粒", 24),
    );
    d.atc = Some("J01CA04".to_owned());
    d.classes = vec![DrugClass::SkinTest];
    d.antimicrobial = Some(AntimicrobialGrade::Unrestricted);
    d.allergy_groups = vec!["penicillins".to_owned()];
    d.adult_dose = DoseLimits {
        per_dose: Some((Micro::parse("0.5").unwrap(), Micro::parse("1").unwrap())),
        daily_max: Some(Micro::parse("4").unwrap()),
    };
    d
}

/// 华法林钠片 2.5mg×60片: high-alert.
pub fn warfarin() -> Drug {
    let mut d = drug(
        "EM0002",
        ("华法林钠", "Warfarin sodium"),
        DosageForm::Tablet,
        ("2.5", StrengthUnit::Mg),
        ("片", 60),
    );
    d.atc = Some("B01AA03".to_owned());
    d.ingredients = vec!["warfarin".to_owned()];
    d.classes = vec![DrugClass::HighAlert];
    d
}

/// 布洛芬混悬液 100mL:2g, measured in mL.
pub fn ibuprofen_suspension() -> Drug {
    let mut d = drug(
        "EM0003",
        ("布洛芬", "Ibuprofen"),
        DosageForm::Suspension,
        ("20", StrengthUnit::Mg),
        ("mL", 100),
    );
    d.package_unit = "瓶".to_owned();
    d.atc = Some("M01AE01".to_owned());
    d
}

/// 盐酸吗啡注射液 10mg/支×10支: a narcotic injection.
pub fn morphine_injection() -> Drug {
    let mut d = drug(
        "EM0004",
        ("盐酸吗啡", "Morphine hydrochloride"),
        DosageForm::Injection,
        ("10", StrengthUnit::Mg),
        ("支", 10),
    );
    d.route = Route::Sc;
    d.ingredients = vec!["morphine".to_owned()];
    d.classes = vec![DrugClass::Narcotic, DrugClass::HighAlert];
    d
}

/// 红霉素软膏 10g/支: used 适量.
pub fn erythromycin_ointment() -> Drug {
    let mut d = drug(
        "EM0005",
        ("红霉素", "Erythromycin"),
        DosageForm::Ointment,
        ("10", StrengthUnit::G),
        ("支", 1),
    );
    d.route = Route::Topical;
    d
}

/// Looks a code up among the fixtures.
pub fn lookup(code: &str) -> Option<&'static Drug> {
    use std::sync::OnceLock;
    static ALL: OnceLock<Vec<Drug>> = OnceLock::new();
    ALL.get_or_init(|| {
        vec![
            amoxicillin(),
            warfarin(),
            ibuprofen_suspension(),
            morphine_injection(),
            erythromycin_ointment(),
        ]
    })
    .iter()
    .find(|d| d.code == code)
}
