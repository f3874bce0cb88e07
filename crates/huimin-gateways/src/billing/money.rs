//! Amounts: Huimin counts integer fen (分); WeChat Pay does too, Alipay writes yuan strings
//! ("12.34"). The conversion is textual, never through floating point.

use super::GatewayError;

/// Fen to Alipay's yuan string: always two decimals ("0.05", "12.30"). Refuses zero and
/// negative amounts, which no payment or refund may carry.
pub fn fen_to_yuan(fen: i64) -> Result<String, GatewayError> {
    if fen < 1 {
        return Err(GatewayError::AmountOutOfRange(fen));
    }
    Ok(format!("{}.{:02}", fen / 100, fen % 100))
}

/// Alipay's yuan string to fen. Accepts "12", "12.3", "12.34" (what Alipay sends); refuses
/// signs, exponents, spaces, more than two decimals and anything that would overflow.
pub fn yuan_to_fen(yuan: &str) -> Result<i64, GatewayError> {
    let bad = || GatewayError::InvalidAmount(yuan.to_string());
    let (whole, frac) = match yuan.split_once('.') {
        Some((w, f)) => (w, f),
        None => (yuan, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return Err(bad());
    }
    if yuan.contains('.') && frac.is_empty() {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    whole
        .checked_mul(100)
        .and_then(|f| f.checked_add(frac))
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_two_decimals() {
        assert_eq!(fen_to_yuan(1).unwrap(), "0.01");
        assert_eq!(fen_to_yuan(2550).unwrap(), "25.50");
        assert_eq!(fen_to_yuan(100_000_000).unwrap(), "1000000.00");
    }

    #[test]
    fn reads_alipay_amounts() {
        assert_eq!(yuan_to_fen("25.50").unwrap(), 2550);
        assert_eq!(yuan_to_fen("25.5").unwrap(), 2550);
        assert_eq!(yuan_to_fen("25").unwrap(), 2500);
        assert_eq!(yuan_to_fen("0.00").unwrap(), 0);
    }

    #[test]
    fn refuses_bad_amounts() {
        for bad in [
            "",
            ".5",
            "5.",
            "-1.00",
            "+1",
            "1.234",
            "1e3",
            " 1.00",
            "1,00",
            "1.0 ",
            "99999999999999999999.00",
            "１.00",
        ] {
            assert_eq!(
                yuan_to_fen(bad),
                Err(GatewayError::InvalidAmount(bad.into())),
                "{bad}"
            );
        }
        assert_eq!(fen_to_yuan(0), Err(GatewayError::AmountOutOfRange(0)));
        assert_eq!(fen_to_yuan(-5), Err(GatewayError::AmountOutOfRange(-5)));
    }

    proptest! {
        #[test]
        fn round_trips(fen in 1i64..=i64::MAX / 100) {
            let yuan = fen_to_yuan(fen).unwrap();
            prop_assert_eq!(yuan_to_fen(&yuan).unwrap(), fen);
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = yuan_to_fen(&s);
        }
    }
}
