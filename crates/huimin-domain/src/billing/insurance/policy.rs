//! The scheme parameters (`data/insurance-policy.toml`): for each scheme the outpatient
//! deductible, the pool's ratio per hospital level (higher for retirees), the annual cap, what
//! the personal account may pay and the fixed pool payment for the ordinary consultation fee.
//! Read whole and checked, so a settlement never meets a ratio above 100 % or a negative sum.

use serde::Deserialize;

use super::types::{HospitalLevel, Rate, Scheme};
use crate::i18n::Text;

/// The shipped demonstration policy (演示规则, not any city's figures).
pub const SEED: &str = include_str!("../../../data/insurance-policy.toml");

/// Largest sum a policy may name, in fen (¥100,000,000): larger is a typo, and the bound
/// keeps every sum a settlement makes far from overflow.
pub const MAX_POLICY_FEN: i64 = 10_000_000_000;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the policy file is not valid TOML: {0}")]
    Toml(String),
    #[error("{scheme}.{field}: {why}")]
    Invalid {
        scheme: &'static str,
        field: &'static str,
        why: &'static str,
    },
}

impl PolicyError {
    pub fn message(&self) -> Text {
        match self {
            PolicyError::Toml(e) => {
                Text::new(format!("医保政策文件格式错误：{e}"), self.to_string())
            }
            PolicyError::Invalid { scheme, field, .. } => Text::new(
                format!("医保政策参数 {scheme}.{field} 无效"),
                self.to_string(),
            ),
        }
    }
}

/// One scheme's outpatient rules, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeRules {
    /// 起付线: what the patient pays each year within scope before the pool pays.
    pub deductible: i64,
    pub retired_deductible: i64,
    /// 年度最高支付限额: the most the pool pays in a year.
    pub annual_cap: i64,
    /// 报销比例 by [`HospitalLevel`] (一级, 二级, 三级).
    pub ratio: [Rate; 3],
    pub retired_ratio: [Rate; 3],
    /// 乙类先行自付 when the catalogue names no share for the item.
    pub b_first_self_pay: Rate,
    /// Whether the personal account may pay what remains the patient's within scope
    /// (起付线, 乙类先行自付, the co-payment).
    pub account_pays_copay: bool,
    /// Whether it may also pay self-funded items (自费), as many cities allow since the
    /// 2021 reform of the employees' outpatient mutual-aid (门诊共济保障).
    pub account_pays_self_funded: bool,
    /// Price-list codes of the ordinary consultation fee (普通门诊诊查费).
    pub consultation_codes: Vec<String>,
    /// What the pool pays of such a fee per item, outside the deductible (定额支付).
    pub consultation_pool: i64,
}

impl SchemeRules {
    pub fn deductible(&self, retired: bool) -> i64 {
        if retired {
            self.retired_deductible
        } else {
            self.deductible
        }
    }

    pub fn ratio(&self, level: HospitalLevel, retired: bool) -> Rate {
        let table = if retired {
            &self.retired_ratio
        } else {
            &self.ratio
        };
        match level {
            HospitalLevel::One => table[0],
            HospitalLevel::Two => table[1],
            HospitalLevel::Three => table[2],
        }
    }

    pub fn is_consultation(&self, code: &str) -> bool {
        self.consultation_codes.iter().any(|c| c == code)
    }
}

/// A whole policy: a version the settlements record, and the rules of each scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub version: String,
    pub employee: SchemeRules,
    pub resident: SchemeRules,
}

impl Policy {
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let raw: RawPolicy = toml::from_str(text).map_err(|e| PolicyError::Toml(e.to_string()))?;
        if raw.version.trim().is_empty() {
            return Err(invalid("policy", "version", "must not be empty"));
        }
        Ok(Policy {
            version: raw.version,
            employee: raw.employee.check("employee")?,
            resident: raw.resident.check("resident")?,
        })
    }

    /// The shipped demonstration policy.
    pub fn demo() -> Result<Policy, PolicyError> {
        Policy::parse(SEED)
    }

    pub fn rules(&self, scheme: Scheme) -> &SchemeRules {
        match scheme {
            Scheme::Employee => &self.employee,
            Scheme::Resident => &self.resident,
        }
    }
}

fn invalid(scheme: &'static str, field: &'static str, why: &'static str) -> PolicyError {
    PolicyError::Invalid { scheme, field, why }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    version: String,
    employee: RawRules,
    resident: RawRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevels {
    level1: u32,
    level2: u32,
    level3: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    deductible_fen: i64,
    retired_deductible_fen: Option<i64>,
    annual_cap_fen: i64,
    ratio_pct: RawLevels,
    retired_ratio_pct: Option<RawLevels>,
    b_first_self_pay_pct: u32,
    account_pays_copay: bool,
    account_pays_self_funded: bool,
    #[serde(default)]
    consultation_codes: Vec<String>,
    #[serde(default)]
    consultation_pool_fen: i64,
}

fn fen(scheme: &'static str, field: &'static str, value: i64) -> Result<i64, PolicyError> {
    if (0..=MAX_POLICY_FEN).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(scheme, field, "must be 0 to 10000000000 fen"))
    }
}

fn pct(scheme: &'static str, field: &'static str, value: u32) -> Result<Rate, PolicyError> {
    Rate::from_percent(value).ok_or(invalid(scheme, field, "must be 0 to 100"))
}

fn levels(s: &'static str, f: &'static str, l: &RawLevels) -> Result<[Rate; 3], PolicyError> {
    Ok([
        pct(s, f, l.level1)?,
        pct(s, f, l.level2)?,
        pct(s, f, l.level3)?,
    ])
}

impl RawRules {
    fn check(self, s: &'static str) -> Result<SchemeRules, PolicyError> {
        let deductible = fen(s, "deductible_fen", self.deductible_fen)?;
        let retired_deductible = match self.retired_deductible_fen {
            Some(v) => fen(s, "retired_deductible_fen", v)?,
            None => deductible,
        };
        let ratio = levels(s, "ratio_pct", &self.ratio_pct)?;
        let retired_ratio = match &self.retired_ratio_pct {
            Some(l) => levels(s, "retired_ratio_pct", l)?,
            None => ratio,
        };
        if self.account_pays_self_funded && !self.account_pays_copay {
            // An account that pays 自费 but not the patient's share in scope would be a
            // policy no city has; it is almost certainly a slip in the file.
            return Err(invalid(
                s,
                "account_pays_self_funded",
                "requires account_pays_copay",
            ));
        }
        Ok(SchemeRules {
            deductible,
            retired_deductible,
            annual_cap: fen(s, "annual_cap_fen", self.annual_cap_fen)?,
            ratio,
            retired_ratio,
            b_first_self_pay: pct(s, "b_first_self_pay_pct", self.b_first_self_pay_pct)?,
            account_pays_copay: self.account_pays_copay,
            account_pays_self_funded: self.account_pays_self_funded,
            consultation_codes: self.consultation_codes,
            consultation_pool: fen(s, "consultation_pool_fen", self.consultation_pool_fen)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_policy_parses_with_retirees_paid_more() {
        let policy = Policy::demo().unwrap();
        assert!(policy.version.contains("2026-12-07"));
        for scheme in Scheme::ALL {
            let rules = policy.rules(scheme);
            for level in HospitalLevel::ALL {
                assert!(rules.ratio(level, true) >= rules.ratio(level, false));
            }
            // Lower levels are paid at least as well: the point of the level ratios.
            assert!(
                rules.ratio(HospitalLevel::One, false) >= rules.ratio(HospitalLevel::Three, false)
            );
        }
        assert!(
            !policy.resident.account_pays_copay,
            "residents have no personal account"
        );
        assert!(policy.employee.is_consultation("110200001"));
    }

    #[test]
    fn bad_figures_are_refused() {
        let bad_ratio = SEED.replacen("level1 = 90", "level1 = 190", 1);
        assert_ne!(bad_ratio, SEED, "the seed names level1 = 90");
        assert!(matches!(
            Policy::parse(&bad_ratio),
            Err(PolicyError::Invalid {
                field: "ratio_pct",
                ..
            })
        ));
        let negative = SEED.replacen("deductible_fen = ", "deductible_fen = -", 1);
        assert!(matches!(
            Policy::parse(&negative),
            Err(PolicyError::Invalid {
                field: "deductible_fen",
                ..
            })
        ));
        let unknown = format!("{SEED}\n[extra]\nx = 1\n");
        assert!(matches!(Policy::parse(&unknown), Err(PolicyError::Toml(_))));
    }
}
