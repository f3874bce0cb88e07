//! Merchant order and refund numbers, checked once at the edge.

use std::fmt;

use super::GatewayError;

/// 商户订单号: 6–32 characters of `[A-Za-z0-9_-|*]`, unique per merchant (WeChat Pay's rule;
/// Alipay's is looser, so a valid one serves both).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutTradeNo(String);

impl OutTradeNo {
    pub fn parse(s: &str) -> Result<Self, GatewayError> {
        check("out_trade_no", s, 6, 32, b"_-|*").map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 商户退款单号: 1–64 characters of `[A-Za-z0-9_-|*@]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutRefundNo(String);

impl OutRefundNo {
    pub fn parse(s: &str) -> Result<Self, GatewayError> {
        check("out_refund_no", s, 1, 64, b"_-|*@").map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OutTradeNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for OutRefundNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn check(
    field: &'static str,
    s: &str,
    min: usize,
    max: usize,
    extra: &[u8],
) -> Result<String, GatewayError> {
    if s.len() < min || s.len() > max {
        return Err(GatewayError::field(
            field,
            format!("must be {min} to {max} characters"),
        ));
    }
    let allowed =
        |c: char| c.is_ascii_alphanumeric() || (c.is_ascii() && extra.contains(&(c as u8)));
    if let Some(c) = s.chars().find(|c| !allowed(*c)) {
        return Err(GatewayError::field(
            field,
            format!("the character {c:?} is not allowed"),
        ));
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_allowed_alphabet() {
        assert!(OutTradeNo::parse("HM2026-12_07|*x").is_ok());
        assert!(OutTradeNo::parse("abcdef").is_ok());
        assert!(OutTradeNo::parse(&"a".repeat(32)).is_ok());
        assert!(OutRefundNo::parse("R@1").is_ok());
    }

    #[test]
    fn refuses_length_and_characters() {
        for bad in [
            "abcde",
            &"a".repeat(33),
            "HM 123456",
            "HM/123456",
            "惠民123456",
            "HM@123456",
        ] {
            assert!(
                matches!(
                    OutTradeNo::parse(bad),
                    Err(GatewayError::InvalidField {
                        field: "out_trade_no",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        assert!(OutRefundNo::parse("").is_err());
        assert!(OutRefundNo::parse(&"a".repeat(65)).is_err());
    }
}
