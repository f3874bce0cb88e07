//! How a registration fee was paid at the desk, until online payment arrives.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaymentMethod {
    Cash,
    BankCard,
    WechatPay,
    Alipay,
    /// Paid by the medical-insurance pool fund (医保统筹).
    MedicalInsurance,
    /// Paid from the insured patient's personal account (医保个人账户).
    InsuranceAccount,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 6] = [
        PaymentMethod::Cash,
        PaymentMethod::BankCard,
        PaymentMethod::WechatPay,
        PaymentMethod::Alipay,
        PaymentMethod::MedicalInsurance,
        PaymentMethod::InsuranceAccount,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::BankCard => "bank-card",
            PaymentMethod::WechatPay => "wechat-pay",
            PaymentMethod::Alipay => "alipay",
            PaymentMethod::MedicalInsurance => "medical-insurance",
            PaymentMethod::InsuranceAccount => "insurance-account",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "现金",
            PaymentMethod::BankCard => "银行卡",
            PaymentMethod::WechatPay => "微信支付",
            PaymentMethod::Alipay => "支付宝",
            PaymentMethod::MedicalInsurance => "医保统筹",
            PaymentMethod::InsuranceAccount => "医保个人账户",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::BankCard => "bank card",
            PaymentMethod::WechatPay => "WeChat Pay",
            PaymentMethod::Alipay => "Alipay",
            PaymentMethod::MedicalInsurance => "medical insurance (pool fund)",
            PaymentMethod::InsuranceAccount => "medical insurance personal account",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for method in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::from_code(method.code()), Some(method));
            assert_eq!(
                serde_json::to_value(method).unwrap(),
                serde_json::json!(method.code())
            );
        }
        assert_eq!(PaymentMethod::from_code("bitcoin"), None);
    }
}
