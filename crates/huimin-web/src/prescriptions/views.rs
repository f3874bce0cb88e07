//! Prescriptions as the pages show them, read from the API's JSON: lines with their
//! instructions, findings with the doctor's reasons, reviews, dispensed lots, the steps done.

use huimin_domain::i18n::Lang;
use serde_json::Value;

use super::{at, both, str_of};
use crate::i18n::t;

/// Which lines a finding is about: `（第1、2行）` / ` (lines 1, 2)`.
fn lines_text(lines: &[usize], lang: Lang) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let numbers: Vec<String> = lines.iter().map(|l| (l + 1).to_string()).collect();
    match lang {
        Lang::Zh => format!("（第{}行）", numbers.join("、")),
        Lang::En if lines.len() == 1 => format!(" (line {})", numbers[0]),
        Lang::En => format!(" (lines {})", numbers.join(", ")),
    }
}

/// One line of a prescription as shown.
pub struct LineShown {
    /// The drug's code in the formulary.
    pub drug: String,
    pub name: String,
    pub specification: String,
    pub instruction: String,
    /// `7天 · 1瓶`.
    pub amount: String,
    pub price: String,
    pub skin_test: bool,
    pub high_alert: bool,
}

pub fn line_shown(v: &Value, lang: Lang) -> LineShown {
    let classes: Vec<&str> = v["classes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let days = v["days"].as_u64().unwrap_or(0);
    let quantity = v["quantity"].as_u64().unwrap_or(0);
    let unit = str_of(&v["package_unit"]);
    LineShown {
        drug: str_of(&v["drug"]),
        name: both(lang, &v["name"]),
        specification: str_of(&v["specification"]),
        instruction: both(lang, &v["instruction"]),
        amount: match lang {
            Lang::Zh => format!("{days}天 · 共{quantity}{unit}"),
            Lang::En => format!("{days} days · {quantity} × {unit}"),
        },
        price: crate::fmt::fen(v["amount_fen"].as_i64().unwrap_or(0)),
        skin_test: classes.contains(&"skin-test"),
        high_alert: classes.contains(&"high-alert"),
    }
}

/// What a rule found, as shown: its severity, message, lines, and the doctor's reason when
/// a warning was overridden.
pub struct FindingShown {
    /// `block`, `warn` or `info`.
    pub severity: String,
    pub severity_label: &'static str,
    pub message: String,
    pub where_: String,
    /// The override's key in the composer: `rule:line` (`-` for the whole prescription).
    pub key: String,
    /// An element id made of the key.
    pub anchor: String,
    /// The doctor's reason (kept with a signed prescription, or typed in the composer).
    pub reason: String,
    /// Why the typed reason was refused.
    pub problem: String,
}

impl FindingShown {
    pub fn warn(&self) -> bool {
        self.severity == "warn"
    }
}

/// The key an override is given under: the finding's first line.
pub fn override_key(rule: &str, line: Option<u64>) -> String {
    match line {
        Some(l) => format!("{rule}:{l}"),
        None => format!("{rule}:-"),
    }
}

pub fn finding_shown(f: &Value, overrides: &Value, lang: Lang) -> FindingShown {
    let rule = str_of(&f["rule"]);
    let lines: Vec<usize> = f["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .filter_map(|l| usize::try_from(l).ok())
        .collect();
    let severity = str_of(&f["severity"]);
    // An override answers a finding of its rule on one of its lines (or on none).
    let reason = overrides
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| {
            o["rule"] == rule.as_str()
                && match o["line"].as_u64() {
                    Some(l) => lines.iter().any(|x| *x as u64 == l),
                    None => lines.is_empty(),
                }
        })
        .map(|o| str_of(&o["reason"]))
        .unwrap_or_default();
    let key = override_key(&rule, lines.first().map(|l| *l as u64));
    FindingShown {
        severity_label: t(
            lang,
            match severity.as_str() {
                "block" => "rx.block",
                "warn" => "rx.warn",
                _ => "rx.info",
            },
        ),
        message: both(lang, &f["message"]),
        where_: lines_text(&lines, lang),
        anchor: key.replace([':', '-'], "_"),
        key,
        severity,
        reason,
        problem: String::new(),
    }
}

/// A pharmacist's decision on one signed version.
pub struct ReviewShown {
    pub returned: bool,
    /// The reason and the pharmacist's text: `联合用药不适宜或有相互作用：…`.
    pub summary: String,
    pub at: String,
}

/// Lots a dispensed line was taken from.
pub struct LotShown {
    pub line: String,
    pub lot_number: String,
    pub expiry: String,
    pub quantity: i64,
}

/// A prescription as the pages show it.
pub struct RxShown {
    pub id: String,
    pub number: String,
    pub patient_name: String,
    pub department: String,
    pub doctor: String,
    pub status: String,
    pub status_label: String,
    pub version: i64,
    pub total: String,
    pub signed_at: String,
    pub valid_until: String,
    pub lines: Vec<LineShown>,
    pub findings: Vec<FindingShown>,
    pub reviews: Vec<ReviewShown>,
    pub lots: Vec<LotShown>,
    /// When each step happened: (label key, moment), in order, only those done.
    pub steps: Vec<(&'static str, String)>,
}

impl RxShown {
    /// Some line needs a skin test before it is dispensed.
    pub fn needs_skin_test(&self) -> bool {
        self.lines.iter().any(|l| l.skin_test)
    }

    /// The pharmacist's latest return, if the prescription was returned.
    pub fn last_return(&self) -> Option<&ReviewShown> {
        self.reviews.iter().rev().find(|r| r.returned)
    }

    pub fn returned(&self) -> bool {
        self.status == "returned"
    }

    /// The doctor may still withdraw it.
    pub fn cancellable(&self) -> bool {
        matches!(self.status.as_str(), "submitted" | "returned" | "approved")
    }

    /// A warning the doctor signed over, with the reason: the pharmacist looks at these.
    pub fn overridden(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| !f.reason.is_empty())
            .count()
    }
}

pub fn rx_shown(v: &Value, lang: Lang) -> RxShown {
    let reviews = v["reviews"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["decision"].is_string())
        .map(|r| ReviewShown {
            returned: r["decision"] == "returned",
            summary: match lang {
                Lang::Zh => format!(
                    "{}：{}",
                    both(lang, &r["reason"]),
                    str_of(&r["reason_text"])
                ),
                Lang::En => format!(
                    "{}: {}",
                    both(lang, &r["reason"]),
                    str_of(&r["reason_text"])
                ),
            },
            at: at(&r["decided_at"], lang),
        })
        .collect();
    let lines: Vec<LineShown> = v["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| line_shown(l, lang))
        .collect();
    let lots = v["dispensed"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| LotShown {
            line: l["line"]
                .as_u64()
                .and_then(|i| lines.get(i as usize))
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            lot_number: str_of(&l["lot_number"]),
            expiry: str_of(&l["expiry"]),
            quantity: l["quantity"].as_i64().unwrap_or(0),
        })
        .collect();
    let steps = [
        ("rx.step_signed", "signed_at"),
        ("rx.step_approved", "approved_at"),
        ("rx.step_paid", "paid_at"),
        ("rx.step_dispensed", "dispensed_at"),
        ("rx.step_collected", "collected_at"),
    ]
    .into_iter()
    .filter(|(_, field)| v[*field].is_i64())
    .map(|(key, field)| (key, at(&v[field], lang)))
    .collect();
    RxShown {
        id: str_of(&v["id"]),
        number: str_of(&v["number"]),
        patient_name: str_of(&v["patient_name"]),
        department: both(lang, &v["department"]),
        doctor: match v["doctor_name"].as_str() {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => str_of(&v["doctor"]),
        },
        status: str_of(&v["status"]),
        status_label: both(lang, &v["status_label"]),
        version: v["version"].as_i64().unwrap_or(0),
        total: crate::fmt::fen(v["total_fen"].as_i64().unwrap_or(0)),
        signed_at: at(&v["signed_at"], lang),
        valid_until: str_of(&v["valid_until"]),
        findings: v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| finding_shown(f, &v["overrides"], lang))
            .collect(),
        lines,
        reviews,
        lots,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_override_is_shown_with_the_warning_it_answers() {
        let finding = json!({"rule": "interaction", "severity": "warn", "lines": [0, 1],
            "message": {"zh": "华法林与阿司匹林合用增加出血风险", "en": "Bleeding risk"}});
        let overrides = json!([{"rule": "interaction", "line": 1, "reason": "心内科会诊同意"},
            {"rule": "max-days", "line": null, "reason": "慢病"}]);
        let shown = finding_shown(&finding, &overrides, Lang::Zh);
        assert_eq!(shown.reason, "心内科会诊同意");
        assert_eq!(shown.where_, "（第1、2行）");
        assert_eq!(
            (shown.key.as_str(), shown.severity_label),
            ("interaction:0", "警示")
        );
        let other = json!({"rule": "interaction", "severity": "warn", "lines": [2, 3],
            "message": {"zh": "x", "en": "x"}});
        assert_eq!(finding_shown(&other, &overrides, Lang::En).reason, "");
        assert_eq!(
            finding_shown(&other, &overrides, Lang::En).where_,
            " (lines 3, 4)"
        );
    }

    #[test]
    fn a_prescription_reads_its_lines_reviews_and_lots() {
        let v = json!({"id": "p1", "number": "CF1", "status": "dispensed", "version": 2,
            "status_label": {"zh": "已配好，请到药房取药", "en": "Ready"}, "total_fen": 1500,
            "signed_at": 1_700_000_000_000_000i64, "dispensed_at": 1_700_000_100_000_000i64,
            "lines": [{"name": {"zh": "华法林片", "en": "Warfarin"}, "days": 7, "quantity": 1,
                "package_unit": "瓶", "amount_fen": 1500, "classes": ["high-alert"],
                "instruction": {"zh": "口服，每日一次，每次1片（2.5mg）", "en": "By mouth"}}],
            "reviews": [{"version": 1, "decision": "returned", "reason": {"zh": "用法、用量不适宜", "en": "Dose"},
                "reason_text": "疗程过长"}, {"version": 2, "decision": "approved"}],
            "dispensed": [{"line": 0, "lot_number": "W1", "expiry": "2027-01-01", "quantity": 1}]});
        let shown = rx_shown(&v, Lang::Zh);
        assert_eq!(shown.lines[0].amount, "7天 · 共1瓶");
        assert!(shown.lines[0].high_alert && !shown.lines[0].skin_test);
        assert_eq!(shown.total, "¥15.00");
        assert_eq!(
            shown.last_return().map(|r| r.summary.as_str()),
            Some("用法、用量不适宜：疗程过长")
        );
        assert_eq!(shown.lots[0].line, "华法林片");
        let steps: Vec<&str> = shown.steps.iter().map(|s| s.0).collect();
        assert_eq!(steps, ["rx.step_signed", "rx.step_dispensed"]);
        assert!(!shown.cancellable());
    }
}
