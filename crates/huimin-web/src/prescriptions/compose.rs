//! The prescription being written on the visit page. It lives in the form, not on the
//! server: every button (find, add, remove, check, sign) posts the whole form and the page
//! comes back with it as typed, plus what the API said (drugs found, computed quantities and
//! instructions, findings, refusals next to their fields).

use huimin_domain::i18n::Lang;
use huimin_domain::prescriptions::prescription::PrescriptionKind;
use huimin_domain::prescriptions::{Frequency, Route};
use serde_json::Value;

use super::draft::Draft;
use super::{FindingShown, RxShown, finding_shown, line_field, rx_shown};
use crate::api::{Api, Problem};
use crate::i18n::t;
use crate::staff::common::Coded;
use crate::web::{Web, encoded};

/// A drug the search found.
pub struct DrugPick {
    pub code: String,
    pub name: String,
    pub detail: String,
    pub in_stock: i64,
}

/// The composer as the page shows it.
#[derive(Default)]
pub struct Composer {
    pub draft: Draft,
    pub picks: Vec<DrugPick>,
    pub searched: bool,
    pub checked: bool,
    pub findings: Vec<FindingShown>,
    pub total: String,
    /// Why it cannot be signed yet, and refusals that name no field of a line.
    pub problems: Vec<String>,
}

impl Composer {
    pub fn new(draft: Draft) -> Self {
        Composer {
            draft,
            ..Composer::default()
        }
    }

    /// The check's answer: computed lines and findings with the reasons typed so far.
    pub fn apply_check(&mut self, body: &Value, lang: Lang) {
        self.checked = true;
        for (line, checked) in self.draft.lines.iter_mut().zip(
            body["lines"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default(),
        ) {
            let shown = super::line_shown(checked, lang);
            line.instruction = shown.instruction;
            line.computed = format!("{} · {}", shown.amount, shown.price);
        }
        self.findings = body["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                let mut shown = finding_shown(f, &Value::Null, lang);
                shown.reason = self.draft.reason(&shown.key);
                shown
            })
            .collect();
        self.total = crate::fmt::fen(body["total_fen"].as_i64().unwrap_or(0));
    }

    /// The keys of the warnings a reason was typed for: the overrides to send.
    pub fn overrides(&self) -> Vec<String> {
        self.findings
            .iter()
            .filter(|f| f.warn() && !f.reason.trim().is_empty())
            .map(|f| f.key.clone())
            .collect()
    }

    /// Puts each refusal next to its field: a line's, an override's reason (by the keys
    /// sent, in order), or above the form.
    pub fn apply_problems(&mut self, problems: Vec<Problem>, sent: &[String]) {
        for p in problems {
            let field = p.field.clone().unwrap_or_default();
            if let Some((i, name)) = line_field(&field)
                && let Some(line) = self.draft.lines.get_mut(i)
            {
                line.errors.push((name, p.text));
                continue;
            }
            let override_index = field
                .strip_prefix("overrides[")
                .and_then(|r| r.split(']').next())
                .and_then(|i| i.parse::<usize>().ok());
            if let Some(key) = override_index.and_then(|i| sent.get(i))
                && let Some(f) = self.findings.iter_mut().find(|f| &f.key == key)
            {
                f.problem = p.text;
                continue;
            }
            self.problems.push(p.text);
        }
    }

    pub fn blocked(&self) -> bool {
        self.findings.iter().any(|f| f.severity == "block")
    }
}

/// The prescriptions part of the doctor's visit page.
#[derive(Default)]
pub struct VisitRx {
    pub can_prescribe: bool,
    pub list: Vec<RxShown>,
    pub composer: Composer,
    pub kinds: Vec<Coded>,
    pub frequencies: Vec<Coded>,
    pub routes: Vec<Coded>,
    pub notice: String,
}

impl VisitRx {
    pub fn amending(&self) -> Option<&RxShown> {
        self.list.iter().find(|p| p.id == self.composer.draft.amend)
    }
}

/// Looks the units of lines read from a prescription up in the formulary (by code).
async fn fill_units(api: &Api, web: &Web, draft: &mut Draft) {
    for line in draft.lines.iter_mut().filter(|l| l.units.is_empty()) {
        let reply = api
            .get(
                web,
                &format!("/api/drugs?q={}&limit=1", encoded(&line.drug)),
            )
            .await;
        if let Some(drug) = reply.body["drugs"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["code"] == line.drug.as_str()))
        {
            let mut probe = Draft::default();
            probe.add(drug, web.lang);
            line.units = probe.lines.remove(0).units;
        }
    }
}

/// The visit's prescriptions and, for its doctor, the composer: as typed (`composer`), or
/// a returned prescription to amend (`amend`), or empty.
pub async fn visit_rx(
    api: &Api,
    web: &Web,
    id: &str,
    composer: Option<Composer>,
    amend: &str,
    notice: &str,
) -> VisitRx {
    let reply = api
        .get(web, &format!("/api/visits/{id}/prescriptions"))
        .await;
    if !reply.ok() {
        return VisitRx::default();
    }
    let lang = web.lang;
    let raw = reply.body["prescriptions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut composer = composer.unwrap_or_default();
    if composer.draft.lines.is_empty()
        && composer.draft.amend.is_empty()
        && !amend.is_empty()
        && let Some(p) = raw
            .iter()
            .find(|p| p["id"] == amend && p["status"] == "returned")
    {
        composer = Composer::new(Draft::from_prescription(p, lang));
    }
    fill_units(api, web, &mut composer.draft).await;
    VisitRx {
        can_prescribe: reply.body["can_prescribe"] == true,
        list: raw.iter().map(|p| rx_shown(p, lang)).collect(),
        composer,
        kinds: PrescriptionKind::ALL
            .iter()
            .map(|k| Coded::new(k.code(), k.label(), lang))
            .collect(),
        frequencies: Frequency::ALL
            .iter()
            .map(|f| Coded {
                code: f.code(),
                label: format!("{} {}", f.code(), f.label().get(lang)),
            })
            .collect(),
        routes: Route::ALL
            .iter()
            .map(|r| Coded::new(r.code(), r.label(), lang))
            .collect(),
        notice: match notice {
            "signed" => t(lang, "rx.signed_notice").to_owned(),
            "cancelled" => t(lang, "rx.cancelled_notice").to_owned(),
            _ => String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problem(field: &str, text: &str) -> Problem {
        Problem {
            field: Some(field.to_owned()),
            text: text.to_owned(),
        }
    }

    #[test]
    fn each_refusal_goes_next_to_its_field() {
        let mut draft = Draft::default();
        draft.lines.push(Default::default());
        let mut composer = Composer::new(draft);
        composer.apply_check(
            &json!({"lines": [], "total_fen": 3000, "findings": [{"rule": "interaction",
                "severity": "warn", "lines": [0, 1], "message": {"zh": "出血", "en": "Bleeding"}}]}),
            Lang::Zh,
        );
        composer.apply_problems(
            vec![
                problem("lines[0].days", "用药天数须为 1–84 天"),
                problem("overrides[0].reason", "须填写理由"),
                problem("findings", "interaction 须填写理由"),
            ],
            &["interaction:0".to_owned()],
        );
        assert_eq!(
            composer.draft.lines[0].error("days"),
            "用药天数须为 1–84 天"
        );
        assert!(composer.draft.lines[0].invalid("days"));
        assert_eq!(composer.findings[0].problem, "须填写理由");
        assert_eq!(composer.problems, ["interaction 须填写理由"]);
        assert_eq!(composer.total, "¥30.00");
        assert!(composer.overrides().is_empty(), "no reason typed yet");
    }
}
