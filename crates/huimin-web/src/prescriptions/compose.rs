//! The prescription being written on the visit page. It lives in the form, not on the
//! server: every button (find, add, remove, check, sign) posts the whole form and the page
//! comes back with it as typed, plus what the API said (drugs found, computed quantities and
//! instructions, findings, refusals next to their fields).

use huimin_domain::i18n::Lang;
use huimin_domain::prescriptions::prescription::PrescriptionKind;
use huimin_domain::prescriptions::{Frequency, Route};
use serde_json::{Value, json};

use super::{FindingShown, RxShown, both, finding_shown, line_field, override_key, rx_shown};
use crate::api::{Api, Problem};
use crate::i18n::t;
use crate::staff::common::Coded;
use crate::web::{Web, encoded};

/// Most lines the form carries (the rules refuse a sixth drug; the form shows that refusal).
const MAX_FORM_LINES: usize = 8;

/// One line as typed, with what the API said about it.
#[derive(Clone, Debug, Default)]
pub struct DraftLine {
    pub drug: String,
    pub name: String,
    pub specification: String,
    /// The dose units the drug takes: its strength unit and its piece unit.
    pub units: Vec<String>,
    pub dose: String,
    pub dose_unit: String,
    pub frequency: String,
    pub route: String,
    pub days: String,
    pub quantity: String,
    pub note: String,
    /// After a check: the instruction and `共1瓶 · ¥15.00`.
    pub instruction: String,
    pub computed: String,
    /// (field, text) refusals of this line.
    pub errors: Vec<(String, String)>,
}

impl DraftLine {
    /// The refusal of `field` on this line (empty: none).
    pub fn error(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The `units` hidden field.
    pub fn units_field(&self) -> String {
        self.units.join("|")
    }

    pub fn invalid(&self, field: &str) -> bool {
        self.errors.iter().any(|(f, _)| f == field)
    }

    fn body(&self) -> Value {
        let mut line = json!({
            "drug": self.drug, "dose": self.dose.trim(), "dose_unit": self.dose_unit,
            "frequency": self.frequency, "route": self.route,
            // Not a number: 0, which the API refuses naming the field.
            "days": self.days.trim().parse::<u32>().unwrap_or(0),
            "note": self.note.trim(),
        });
        if !self.quantity.trim().is_empty() {
            line["quantity"] = json!(self.quantity.trim().parse::<u32>().unwrap_or(0));
        }
        line
    }
}

/// The whole form as typed.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    pub kind: String,
    pub validity: String,
    pub weight: String,
    pub pregnant: bool,
    pub long_term: bool,
    pub stable: bool,
    pub assessment: bool,
    pub lines: Vec<DraftLine>,
    /// Reasons typed for warnings, by override key (`interaction:0`).
    pub reasons: Vec<(String, String)>,
    /// The drug search box.
    pub q: String,
    /// Amending this returned prescription, at this version.
    pub amend: String,
    pub version: String,
}

fn value_of(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

impl Draft {
    pub fn from_pairs(pairs: &[(String, String)]) -> Draft {
        let get = |name: &str| value_of(pairs, name);
        let lines = (0..MAX_FORM_LINES)
            .take_while(|i| pairs.iter().any(|(k, _)| *k == format!("l{i}.drug")))
            .map(|i| {
                let f = |field: &str| get(&format!("l{i}.{field}"));
                DraftLine {
                    drug: f("drug"),
                    name: f("name"),
                    specification: f("spec"),
                    units: f("units")
                        .split('|')
                        .filter(|u| !u.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    dose: f("dose"),
                    dose_unit: f("dose_unit"),
                    frequency: f("frequency"),
                    route: f("route"),
                    days: f("days"),
                    quantity: f("quantity"),
                    note: f("note"),
                    ..DraftLine::default()
                }
            })
            .collect();
        Draft {
            kind: get("kind"),
            validity: get("validity"),
            weight: get("weight"),
            pregnant: get("pregnant") == "1",
            long_term: get("long_term") == "1",
            stable: get("stable") == "1",
            assessment: get("assessment") == "1",
            lines,
            reasons: pairs
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("reason:")?.to_owned(), v.clone())))
                .collect(),
            q: get("q"),
            amend: get("amend"),
            version: get("version"),
        }
    }

    /// A returned prescription's lines, kind and reasons, to amend.
    pub fn from_prescription(v: &Value, lang: Lang) -> Draft {
        let lines = v["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| {
                let dose = l["dose"].as_str().unwrap_or_default().to_owned();
                // A quantity the doctor had to write (as needed, 适量) is kept; others are
                // computed again.
                let written = dose.is_empty() || l["frequency"] == "PRN";
                DraftLine {
                    drug: l["drug"].as_str().unwrap_or_default().to_owned(),
                    name: both(lang, &l["name"]),
                    specification: l["specification"].as_str().unwrap_or_default().to_owned(),
                    dose,
                    dose_unit: l["dose_unit"].as_str().unwrap_or_default().to_owned(),
                    frequency: l["frequency"].as_str().unwrap_or_default().to_owned(),
                    route: l["route"].as_str().unwrap_or_default().to_owned(),
                    days: l["days"]
                        .as_u64()
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    quantity: match written {
                        true => l["quantity"]
                            .as_u64()
                            .map(|q| q.to_string())
                            .unwrap_or_default(),
                        false => String::new(),
                    },
                    note: l["note"].as_str().unwrap_or_default().to_owned(),
                    ..DraftLine::default()
                }
            })
            .collect();
        Draft {
            kind: v["kind"].as_str().unwrap_or_default().to_owned(),
            long_term: v["long_term"] == true,
            lines,
            reasons: v["overrides"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| {
                    let key =
                        override_key(o["rule"].as_str().unwrap_or_default(), o["line"].as_u64());
                    (key, o["reason"].as_str().unwrap_or_default().to_owned())
                })
                .collect(),
            amend: v["id"].as_str().unwrap_or_default().to_owned(),
            version: v["version"]
                .as_i64()
                .map(|n| n.to_string())
                .unwrap_or_default(),
            ..Draft::default()
        }
    }

    pub fn reason(&self, key: &str) -> String {
        self.reasons
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The request body; with `overrides` the reasons typed for these warnings' keys.
    pub fn body(&self, overrides: &[String]) -> Value {
        let mut body = json!({
            "kind": if self.kind.is_empty() { "ordinary" } else { self.kind.as_str() },
            "validity_days": self.validity.trim().parse::<u32>().unwrap_or(1),
            "long_term": self.long_term, "stable": self.stable,
            "long_assessment": self.assessment, "pregnant": self.pregnant,
            "lines": self.lines.iter().map(DraftLine::body).collect::<Vec<_>>(),
            "overrides": overrides.iter().map(|key| {
                let (rule, line) = key.split_once(':').unwrap_or((key.as_str(), "-"));
                json!({"rule": rule, "line": line.parse::<usize>().ok(), "reason": self.reason(key)})
            }).collect::<Vec<_>>(),
        });
        if !self.weight.trim().is_empty() {
            body["weight_kg"] = json!(self.weight.trim());
        }
        if let Ok(version) = self.version.parse::<i64>() {
            body["version"] = json!(version);
        }
        body
    }

    /// A drug found by the search, added with its own dose, unit and route.
    pub fn add(&mut self, drug: &Value, lang: Lang) {
        if self.lines.len() >= MAX_FORM_LINES {
            return;
        }
        let strength_unit = drug["strength_unit"].as_str().unwrap_or_default();
        let piece_unit = drug["piece_unit"].as_str().unwrap_or_default();
        let mut units = vec![strength_unit.to_owned()];
        if piece_unit != strength_unit {
            units.push(piece_unit.to_owned());
        }
        self.lines.push(DraftLine {
            drug: drug["code"].as_str().unwrap_or_default().to_owned(),
            name: both(lang, &drug["name"]),
            specification: drug["specification"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            dose: drug["strength"].as_str().unwrap_or_default().to_owned(),
            dose_unit: strength_unit.to_owned(),
            route: drug["route"].as_str().unwrap_or_default().to_owned(),
            units,
            ..DraftLine::default()
        });
    }
}

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
