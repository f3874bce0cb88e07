//! An amount in Chinese capital figures (大写金额), as invoices and cheques write it:
//! `12000` fen → 壹佰贰拾元整. Written to the rules of the People's Bank's 支付结算办法
//! (正确填写票据和结算凭证的基本规定): 整 after 元 when there are no 角/分 and never after 分;
//! one 零 for a run of zeros inside the figure; 壹拾 keeps its 壹.

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
/// The units of each group of four digits, lowest first.
const GROUPS: [&str; 3] = ["", "万", "亿"];

/// A group of four digits (1–9999) without its unit: 1050 → 壹仟零伍拾.
fn group(value: u64) -> String {
    let mut out = String::new();
    let mut zero = false;
    for place in (0..4).rev() {
        let digit = (value / 10u64.pow(place)) % 10;
        if digit == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push(DIGITS[digit as usize]);
        out.push_str(PLACES[place as usize]);
    }
    out
}

/// Whole yuan (below 10¹²) in capitals, without 元.
fn yuan(value: u64) -> String {
    let mut out = String::new();
    let mut zero = false;
    for index in (0..GROUPS.len()).rev() {
        let part = (value / 10_000u64.pow(index as u32)) % 10_000;
        if part == 0 {
            zero = !out.is_empty();
            continue;
        }
        // A gap before this group (a zero group, or fewer than four digits in it) is one 零.
        if !out.is_empty() && (zero || part < 1000) {
            out.push('零');
        }
        zero = false;
        out.push_str(&group(part));
        out.push_str(GROUPS[index]);
    }
    out
}

/// `fen` in capital figures; `None` beyond what an invoice can hold (a trillion yuan).
pub fn capital_amount(fen: i64) -> Option<String> {
    let sign = if fen < 0 { "负" } else { "" };
    let fen = fen.unsigned_abs();
    let whole = fen / 100;
    if whole >= 1_000_000_000_000 {
        return None;
    }
    let (jiao, cents) = ((fen / 10 % 10) as usize, (fen % 10) as usize);
    let mut out = String::from(sign);
    if whole > 0 {
        out.push_str(&yuan(whole));
        out.push('元');
    }
    match (jiao, cents) {
        (0, 0) if whole == 0 => out.push_str("零元整"),
        (0, 0) => out.push('整'),
        (0, c) => {
            if whole > 0 {
                out.push('零');
            }
            out.push(DIGITS[c]);
            out.push('分');
        }
        (j, c) => {
            out.push(DIGITS[j]);
            out.push('角');
            if c > 0 {
                out.push(DIGITS[c]);
                out.push('分');
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::capital_amount;

    #[test]
    fn amounts_are_written_as_on_invoices_and_cheques() {
        for (fen, words) in [
            (12_000, "壹佰贰拾元整"),
            (0, "零元整"),
            (5, "伍分"),
            (50, "伍角"),
            (55, "伍角伍分"),
            (105, "壹元零伍分"),
            (1_000, "壹拾元整"),
            (1_030, "壹拾元叁角"),
            (5_105, "伍拾壹元零伍分"),
            (10_005, "壹佰元零伍分"),
            (100_450, "壹仟零肆元伍角"),
            (105_000, "壹仟零伍拾元整"),
            (1_000_100, "壹万零壹元整"),
            (1_020_000, "壹万零贰佰元整"),
            (1_200_000, "壹万贰仟元整"),
            (10_000_000, "壹拾万元整"),
            (100_001_000, "壹佰万零壹拾元整"),
            (10_000_000_000, "壹亿元整"),
            (10_000_010_000, "壹亿零壹佰元整"),
            (10_001_000_000, "壹亿零壹万元整"),
            (10_010_000_000, "壹亿零壹拾万元整"),
            (
                123_456_789_012,
                "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分",
            ),
            (-2_550, "负贰拾伍元伍角"),
        ] {
            assert_eq!(capital_amount(fen).as_deref(), Some(words), "{fen} fen");
        }
    }

    #[test]
    fn amounts_beyond_a_trillion_yuan_are_refused() {
        assert!(capital_amount(99_999_999_999_999).is_some());
        assert_eq!(capital_amount(100_000_000_000_000), None);
        assert_eq!(capital_amount(i64::MIN), None);
    }
}
