//! Why each part of an item fell where it did, for the receipt and the cashier: every rule
//! that moved money on a line leaves one reason.

use super::types::Rate;
use crate::i18n::Text;
use crate::money::Money;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// 自费患者: the patient is not settled through insurance.
    SelfPayingPatient,
    /// 自费项目: 丙类 or outside the catalogue.
    SelfFundedItem,
    /// 乙类先行自付: the item's first share, paid by the patient.
    FirstSelfPay { rate: Rate, fen: i64 },
    /// 诊查费统筹定额支付: the fixed pool payment for the ordinary consultation fee.
    ConsultationFixed { fen: i64 },
    /// 起付线内自付: within the year's deductible.
    Deductible { fen: i64 },
    /// 统筹支付: the pool's share of the rest.
    Pool { rate: Rate, fen: i64 },
    /// 超过年度限额: what the pool would have paid beyond its annual cap.
    OverCap { fen: i64 },
    /// 个人账户支付.
    Account { fen: i64 },
    /// 个人账户余额不足: what the account could not pay.
    AccountShort { fen: i64 },
}

fn cny(fen: i64) -> String {
    Money::from_fen(fen).map_or_else(|_| format!("{fen} fen"), Money::cny)
}

impl Reason {
    pub fn text(&self) -> Text {
        match self {
            Reason::SelfPayingPatient => Text::new(
                "自费患者，全部自付",
                "not settled through insurance: paid in full by the patient",
            ),
            Reason::SelfFundedItem => Text::new(
                "自费项目（丙类或目录外）",
                "self-funded item (class C or not in the catalogue)",
            ),
            Reason::FirstSelfPay { rate, fen } => {
                let pct = rate.percent_string();
                Text::new(
                    format!("乙类先行自付{pct} {}", cny(*fen)),
                    format!("class B first self-pay {pct}: {}", cny(*fen)),
                )
            }
            Reason::ConsultationFixed { fen } => Text::new(
                format!("普通门诊诊查费统筹定额支付 {}", cny(*fen)),
                format!("consultation fee, fixed pool payment: {}", cny(*fen)),
            ),
            Reason::Deductible { fen } => Text::new(
                format!("起付线内自付 {}", cny(*fen)),
                format!("within the annual deductible: {}", cny(*fen)),
            ),
            Reason::Pool { rate, fen } => {
                let pct = rate.percent_string();
                Text::new(
                    format!("统筹基金按{pct}支付 {}", cny(*fen)),
                    format!("pool pays {pct}: {}", cny(*fen)),
                )
            }
            Reason::OverCap { fen } => Text::new(
                format!("超过年度限额，统筹不予支付 {}", cny(*fen)),
                format!("above the annual cap, not paid by the pool: {}", cny(*fen)),
            ),
            Reason::Account { fen } => Text::new(
                format!("个人账户支付 {}", cny(*fen)),
                format!("paid from the personal account: {}", cny(*fen)),
            ),
            Reason::AccountShort { fen } => Text::new(
                format!("个人账户余额不足，{} 由个人现金支付", cny(*fen)),
                format!("personal account short: {} paid in cash", cny(*fen)),
            ),
        }
    }
}
