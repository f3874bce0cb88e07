//! The rule codes and what each rule does, for the docs, the admin page and the overrides a
//! doctor writes (an override names its rule by code, so codes never change).

use crate::i18n::Text;

pub const ALLERGY: &str = "allergy";
pub const INTERACTION: &str = "interaction";
pub const DUPLICATE_INGREDIENT: &str = "duplicate-ingredient";
pub const DUPLICATE_CLASS: &str = "duplicate-class";
pub const DOSE_RANGE: &str = "dose-range";
pub const DAILY_MAX: &str = "daily-max";
pub const CHILD_WEIGHT_MISSING: &str = "child-weight-missing";
pub const CHILD_CAUTION: &str = "child-caution";
pub const PREGNANCY_CAUTION: &str = "pregnancy-caution";
pub const ELDERLY_CAUTION: &str = "elderly-caution";
pub const MAX_DRUGS: &str = "max-drugs";
pub const MAX_DAYS: &str = "max-days";
pub const CONTROLLED_QUALIFICATION: &str = "controlled-qualification";
pub const CONTROLLED_KIND: &str = "controlled-kind";
pub const CONTROLLED_ONLINE: &str = "controlled-online";
pub const CONTROLLED_QUANTITY: &str = "controlled-quantity";
pub const ANTIMICROBIAL_GRADE: &str = "antimicrobial-grade";
pub const ANTIMICROBIAL_SPECIAL_OUTPATIENT: &str = "antimicrobial-special-outpatient";
pub const SKIN_TEST: &str = "skin-test";
pub const LONG_TERM: &str = "long-term";
pub const LONG_TERM_NO_CHRONIC: &str = "long-term-no-chronic";
pub const LONG_TERM_ASSESSMENT: &str = "long-term-assessment";
pub const LONG_TERM_EXCLUDED: &str = "long-term-excluded";

/// A rule: its stable code and what it checks, in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

impl RuleInfo {
    pub fn description(&self) -> Text {
        Text::new(self.zh, self.en)
    }

    pub fn find(code: &str) -> Option<&'static RuleInfo> {
        RULES.iter().find(|r| r.code == code)
    }
}

const fn rule(code: &'static str, zh: &'static str, en: &'static str) -> RuleInfo {
    RuleInfo { code, zh, en }
}

/// Every rule `check` applies.
pub const RULES: &[RuleInfo] = &[
    rule(
        ALLERGY,
        "禁止：药品成分、通用名或过敏类别与患者记录的过敏原相符（如青霉素过敏时的阿莫西林）",
        "Block: the drug's ingredient, generic name or allergy class matches an allergy on record (amoxicillin with a penicillin allergy)",
    ),
    rule(
        INTERACTION,
        "药物相互作用（按相互作用表）：禁忌合用禁止，严重或中等者警告；含本处方各药之间及与正在使用的药品之间",
        "Drug–drug interaction from the interaction table: contraindicated blocks, major or moderate warns; among the lines and with medicines already taken",
    ),
    rule(
        DUPLICATE_INGREDIENT,
        "警告：本处方内或与正在使用的药品含相同成分（重复用药）",
        "Warn: the same active ingredient twice, on this prescription or with a medicine already taken",
    ),
    rule(
        DUPLICATE_CLASS,
        "警告：本处方内或与正在使用的药品属同一 ATC 第四级药理类别（重复用药）",
        "Warn: two drugs of the same ATC level-4 class, on this prescription or with a medicine already taken",
    ),
    rule(
        DOSE_RANGE,
        "警告：单次剂量低于或高于成人剂量范围（儿童按体重计算）",
        "Warn: a dose below or above the adult range (children's by body weight)",
    ),
    rule(
        DAILY_MAX,
        "警告：每日剂量高于每日最大剂量（儿童按体重计算）",
        "Warn: the daily dose is above the daily maximum (children's by body weight)",
    ),
    rule(
        CHILD_WEIGHT_MISSING,
        "警告：儿童用药有按体重计算的剂量，但未记录体重",
        "Warn: the drug has a child's dose per kg but the child's weight is not recorded",
    ),
    rule(
        CHILD_CAUTION,
        "警告：儿童（18岁以下）慎用或禁用的药品",
        "Warn: a drug to be used with caution, or not at all, in children under 18",
    ),
    rule(
        PREGNANCY_CAUTION,
        "警告：妊娠期慎用或禁用的药品",
        "Warn: a drug to be used with caution, or not at all, in pregnancy",
    ),
    rule(
        ELDERLY_CAUTION,
        "警告：老年人（65岁及以上）慎用的药品",
        "Warn: a drug to be used with caution in patients aged 65 or over",
    ),
    rule(
        MAX_DRUGS,
        "禁止：每张西药、中成药处方不得超过5种药品（处方管理办法第六条）",
        "Block: at most 5 drugs on one western or patent-medicine prescription",
    ),
    rule(
        MAX_DAYS,
        "警告：普通处方超过7日用量、急诊处方超过3日用量，须注明理由（处方管理办法第十九条）",
        "Warn: more than 7 days (emergency: 3 days) needs a reason written",
    ),
    rule(
        CONTROLLED_QUALIFICATION,
        "禁止：麻醉药品和精神药品须由取得相应处方资格的医师开具",
        "Block: narcotics and psychotropics only by a doctor qualified to prescribe them",
    ),
    rule(
        CONTROLLED_KIND,
        "禁止：麻醉药品和第一类精神药品须用专用处方，第二类精神药品须用精二处方",
        "Block: narcotics and class I psychotropics need their special prescription, class II psychotropics theirs",
    ),
    rule(
        CONTROLLED_ONLINE,
        "禁止：互联网诊疗不得开具麻醉药品和精神药品",
        "Block: no narcotics or psychotropics in online care",
    ),
    rule(
        CONTROLLED_QUANTITY,
        "禁止：麻醉药品、精神药品超过每张处方限量（处方管理办法第二十三、二十四条）",
        "Block: a narcotic or psychotropic above the quantity one prescription may hold",
    ),
    rule(
        ANTIMICROBIAL_GRADE,
        "禁止：限制使用级抗菌药物须主治医师及以上、特殊使用级须副主任医师及以上开具（抗菌药物临床应用管理办法第二十四条）",
        "Block: restricted antimicrobials need an attending physician or above, special-use ones an associate chief or above",
    ),
    rule(
        ANTIMICROBIAL_SPECIAL_OUTPATIENT,
        "禁止：特殊使用级抗菌药物不得在门诊使用（抗菌药物临床应用管理办法第二十八条）",
        "Block: no special-use antimicrobials in outpatient care",
    ),
    rule(
        SKIN_TEST,
        "提示：需皮试的药品，阴性结果记录后方可发药",
        "Note: the drug needs a skin test; it is dispensed only after a negative result is recorded",
    ),
    rule(
        LONG_TERM,
        "禁止：长期处方超过12周用量（长期处方管理规范）",
        "Block: a long prescription above 12 weeks",
    ),
    rule(
        LONG_TERM_NO_CHRONIC,
        "禁止：长期处方仅用于有稳定慢性病诊断的患者",
        "Block: long prescriptions only for patients with a stable chronic diagnosis on record",
    ),
    rule(
        LONG_TERM_ASSESSMENT,
        "禁止：超过4周的长期处方须有医师评估记录及患者签字确认",
        "Block: a long prescription above 4 weeks needs a recorded assessment",
    ),
    rule(
        LONG_TERM_EXCLUDED,
        "禁止：毒、麻、精、放、易制毒药品，抗微生物药物（抗结核药除外）及储存条件特殊的药品不得用于长期处方",
        "Block: toxic, narcotic, psychotropic, radioactive and precursor drugs, antimicrobials (except anti-tuberculosis drugs) and drugs needing special storage are never on a long prescription",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_described_in_both_languages() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(
                rule.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                rule.code
            );
            assert!(!rule.zh.is_empty() && !rule.en.is_empty());
            assert!(
                RULES[..i].iter().all(|r| r.code != rule.code),
                "{}",
                rule.code
            );
            assert_eq!(RuleInfo::find(rule.code), Some(rule));
        }
        assert_eq!(RULES.len(), 23);
        assert_eq!(RuleInfo::find("nope"), None);
    }
}
