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
    d.allergy_groups = vec!["nsaids".to_owned()];
    d.pregnancy = Some(Caution::Caution);
    d.adult_dose = limits(Some(("200", "400")), Some("1200"));
    d.child_dose_per_kg = limits(Some(("5", "10")), Some("40"));
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

/// Dose limits from decimal text.
pub fn limits(per_dose: Option<(&str, &str)>, daily_max: Option<&str>) -> DoseLimits {
    let m = |t: &str| Micro::parse(t).unwrap();
    DoseLimits {
        per_dose: per_dose.map(|(lo, hi)| (m(lo), m(hi))),
        daily_max: daily_max.map(m),
    }
}

/// A tablet in mg with an ATC code and one ingredient.
fn tablet(
    code: &str,
    names: (&str, &str),
    mg: &str,
    per_box: u32,
    atc: &str,
    ingredient: &str,
) -> Drug {
    let mut d = drug(
        code,
        names,
        DosageForm::Tablet,
        (mg, StrengthUnit::Mg),
        ("片", per_box),
    );
    d.atc = Some(atc.to_owned());
    d.ingredients = vec![ingredient.to_owned()];
    d
}

/// 阿司匹林肠溶片 100mg×30片: a salicylate, cautioned in children (Reye syndrome).
pub fn aspirin() -> Drug {
    let mut d = tablet(
        "EM0006",
        ("阿司匹林", "Aspirin"),
        "100",
        30,
        "B01AC06",
        "acetylsalicylic acid",
    );
    d.form = DosageForm::EntericTablet;
    d.allergy_groups = vec!["salicylates".to_owned(), "nsaids".to_owned()];
    d.child = Some(Caution::Caution);
    d
}

/// 硫酸氢氯吡格雷片 75mg×7片.
pub fn clopidogrel() -> Drug {
    tablet(
        "EM0007",
        ("硫酸氢氯吡格雷", "Clopidogrel"),
        "75",
        7,
        "B01AC04",
        "clopidogrel",
    )
}

/// 奥美拉唑肠溶胶囊 20mg×14粒.
pub fn omeprazole() -> Drug {
    let mut d = tablet(
        "EM0008",
        ("奥美拉唑", "Omeprazole"),
        "20",
        14,
        "A02BC01",
        "omeprazole",
    );
    d.form = DosageForm::EntericCapsule;
    d.piece_unit = "粒".to_owned();
    d
}

/// 辛伐他汀片 20mg×7片.
pub fn simvastatin() -> Drug {
    tablet(
        "EM0009",
        ("辛伐他汀", "Simvastatin"),
        "20",
        7,
        "C10AA01",
        "simvastatin",
    )
}

/// 阿托伐他汀钙片 20mg×7片: the same ATC level-4 class as simvastatin.
pub fn atorvastatin() -> Drug {
    tablet(
        "EM0010",
        ("阿托伐他汀钙", "Atorvastatin"),
        "20",
        7,
        "C10AA05",
        "atorvastatin",
    )
}

/// 克拉霉素片 250mg×6片: a macrolide.
pub fn clarithromycin() -> Drug {
    let mut d = tablet(
        "EM0011",
        ("克拉霉素", "Clarithromycin"),
        "250",
        6,
        "J01FA09",
        "clarithromycin",
    );
    d.antimicrobial = Some(AntimicrobialGrade::Unrestricted);
    d.allergy_groups = vec!["macrolides".to_owned()];
    d
}

/// 注射用美罗培南 0.5g/支: a special-use carbapenem.
pub fn meropenem() -> Drug {
    let mut d = drug(
        "EM0012",
        ("美罗培南", "Meropenem"),
        DosageForm::PowderInjection,
        ("0.5", StrengthUnit::G),
        ("支", 1),
    );
    d.route = Route::Ivgtt;
    d.package_unit = "支".to_owned();
    d.atc = Some("J01DH02".to_owned());
    d.antimicrobial = Some(AntimicrobialGrade::Special);
    d.allergy_groups = vec!["carbapenems".to_owned()];
    d
}

/// 注射用头孢曲松钠 1g/支: a restricted cephalosporin.
pub fn ceftriaxone() -> Drug {
    let mut d = drug(
        "EM0013",
        ("头孢曲松钠", "Ceftriaxone"),
        DosageForm::PowderInjection,
        ("1", StrengthUnit::G),
        ("支", 1),
    );
    d.route = Route::Ivgtt;
    d.package_unit = "支".to_owned();
    d.atc = Some("J01DD04".to_owned());
    d.ingredients = vec!["ceftriaxone".to_owned()];
    d.antimicrobial = Some(AntimicrobialGrade::Restricted);
    d.allergy_groups = vec!["cephalosporins".to_owned()];
    d
}

/// 地西泮片 2.5mg×20片: class II psychotropic, cautioned in the elderly, avoided in pregnancy.
pub fn diazepam() -> Drug {
    let mut d = tablet(
        "EM0014",
        ("地西泮", "Diazepam"),
        "2.5",
        20,
        "N05BA01",
        "diazepam",
    );
    d.classes = vec![DrugClass::PsychotropicTwo];
    d.elderly = Some(Caution::Caution);
    d.pregnancy = Some(Caution::Avoid);
    d.adult_dose = limits(Some(("2.5", "10")), Some("40"));
    d
}

/// 硫酸吗啡控释片 30mg×10片: a controlled-release narcotic.
pub fn morphine_cr() -> Drug {
    let mut d = tablet(
        "EM0015",
        ("硫酸吗啡", "Morphine sulfate"),
        "30",
        10,
        "N02AA01",
        "morphine",
    );
    d.form = DosageForm::CrTablet;
    d.classes = vec![DrugClass::Narcotic, DrugClass::HighAlert];
    d
}

/// 盐酸吗啡注射液 10mg/支, dispensed by the ampoule as narcotics are.
pub fn morphine_ampoule() -> Drug {
    let mut d = morphine_injection();
    d.code = "EM0016".to_owned();
    d.package_size = 1;
    d.package_unit = "支".to_owned();
    d.atc = Some("N02AA01".to_owned());
    d
}

/// 苯磺酸氨氯地平片 5mg×7片: a plain chronic-disease drug.
pub fn amlodipine() -> Drug {
    let mut d = tablet(
        "EM0017",
        ("苯磺酸氨氯地平", "Amlodipine"),
        "5",
        7,
        "C08CA01",
        "amlodipine",
    );
    d.elderly = Some(Caution::Caution);
    d.adult_dose = limits(Some(("2.5", "10")), Some("10"));
    d
}

/// 重组人胰岛素注射液 300IU/支: kept cold.
pub fn insulin() -> Drug {
    let mut d = drug(
        "EM0018",
        ("重组人胰岛素", "Human insulin"),
        DosageForm::Injection,
        ("300", StrengthUnit::Iu),
        ("支", 1),
    );
    d.route = Route::Sc;
    d.atc = Some("A10AB01".to_owned());
    d.ingredients = vec!["insulin human".to_owned()];
    d.classes = vec![DrugClass::ColdStorage, DrugClass::HighAlert];
    d
}

/// Every fixture.
pub fn all() -> Vec<Drug> {
    vec![
        amoxicillin(),
        warfarin(),
        ibuprofen_suspension(),
        morphine_injection(),
        erythromycin_ointment(),
        aspirin(),
        clopidogrel(),
        omeprazole(),
        simvastatin(),
        atorvastatin(),
        clarithromycin(),
        meropenem(),
        ceftriaxone(),
        diazepam(),
        morphine_cr(),
        morphine_ampoule(),
        amlodipine(),
        insulin(),
    ]
}

/// Looks a code up among the fixtures.
pub fn lookup(code: &str) -> Option<&'static Drug> {
    use std::sync::OnceLock;
    static ALL: OnceLock<Vec<Drug>> = OnceLock::new();
    ALL.get_or_init(all).iter().find(|d| d.code == code)
}
