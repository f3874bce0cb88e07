//! The small vocabularies of a settlement: the scheme a patient is insured under, the
//! hospital's level, an item's insurance class and the ratios the rules apply.

use crate::i18n::Text;

/// The basic medical insurance scheme (基本医疗保险) a patient is insured under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// 城镇职工基本医疗保险: employees; has a personal account (个人账户) and a retiree ratio.
    Employee,
    /// 城乡居民基本医疗保险: urban and rural residents; no personal account.
    Resident,
}

impl Scheme {
    pub const ALL: [Scheme; 2] = [Scheme::Employee, Scheme::Resident];

    pub fn code(self) -> &'static str {
        match self {
            Scheme::Employee => "employee",
            Scheme::Resident => "resident",
        }
    }

    pub fn from_code(code: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            Scheme::Employee => {
                Text::new("城镇职工基本医疗保险", "Employee basic medical insurance")
            }
            Scheme::Resident => Text::new(
                "城乡居民基本医疗保险",
                "Urban and rural resident basic medical insurance",
            ),
        }
    }
}

/// The hospital's grade (医院等级): the pool pays a higher share at lower levels, to send
/// patients with common illnesses to community and district hospitals first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HospitalLevel {
    /// 一级 (community health centres, township hospitals).
    One,
    /// 二级.
    Two,
    /// 三级.
    Three,
}

impl HospitalLevel {
    pub const ALL: [HospitalLevel; 3] = [Self::One, Self::Two, Self::Three];

    pub fn label(self) -> Text {
        match self {
            Self::One => Text::new("一级医院", "level-1 hospital"),
            Self::Two => Text::new("二级医院", "level-2 hospital"),
            Self::Three => Text::new("三级医院", "level-3 hospital"),
        }
    }
}

/// A share in basis points (万分之一): 1000 = 10 %. Every rule rounds through
/// [`Rate::of`], so one rounding rule holds everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(u32);

impl Rate {
    pub const ZERO: Rate = Rate(0);
    pub const FULL: Rate = Rate(10_000);

    /// `None` above 100 %.
    pub fn from_basis_points(bp: u32) -> Option<Rate> {
        (bp <= 10_000).then_some(Rate(bp))
    }

    /// `None` above 100 %.
    pub fn from_percent(pct: u32) -> Option<Rate> {
        pct.checked_mul(100).and_then(Rate::from_basis_points)
    }

    pub fn basis_points(self) -> u32 {
        self.0
    }

    /// `"10%"`, `"92.5%"`: as the reasons show it.
    pub fn percent_string(self) -> String {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => format!("{whole}%"),
            f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
            f => format!("{whole}.{f:02}%"),
        }
    }

    /// This share of `fen`, rounded to the fen half-up. `fen` is never negative here (the
    /// callers check amounts at the edge), and i128 keeps the product exact.
    pub fn of(self, fen: i64) -> i64 {
        let product = i128::from(fen) * i128::from(self.0);
        let rounded = (product + 5_000).div_euclid(10_000);
        i64::try_from(rounded).unwrap_or(i64::MAX)
    }
}

/// An item's class in the insurance catalogue (医保目录).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemClass {
    /// 甲类: wholly within the scope the pool pays for.
    A,
    /// 乙类: the patient first pays a share (先行自付), the rest is within scope.
    /// `None`: the policy's default share.
    B { first_self_pay: Option<Rate> },
    /// 丙类 / 自费: outside the catalogue, the patient pays it all.
    SelfFunded,
}

impl ItemClass {
    pub fn label(self) -> Text {
        match self {
            ItemClass::A => Text::new("甲类", "class A"),
            ItemClass::B { .. } => Text::new("乙类", "class B"),
            ItemClass::SelfFunded => Text::new("自费", "self-funded"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_to_the_fen_half_up() {
        let ten = Rate::from_percent(10).unwrap();
        assert_eq!(ten.of(1_000), 100);
        assert_eq!(ten.of(15), 2); // 1.5 fen → 2
        assert_eq!(ten.of(14), 1); // 1.4 fen → 1
        let r = Rate::from_basis_points(8_550).unwrap();
        assert_eq!(r.of(1), 1); // 0.855 → 1
        assert_eq!(r.of(0), 0);
        assert_eq!(Rate::FULL.of(12_345), 12_345);
        assert_eq!(Rate::from_percent(101), None);
        assert_eq!(Rate::from_basis_points(10_001), None);
    }

    #[test]
    fn rates_read_as_percentages() {
        assert_eq!(Rate::from_percent(10).unwrap().percent_string(), "10%");
        assert_eq!(
            Rate::from_basis_points(9_250).unwrap().percent_string(),
            "92.5%"
        );
        assert_eq!(
            Rate::from_basis_points(1_205).unwrap().percent_string(),
            "12.05%"
        );
    }
}
