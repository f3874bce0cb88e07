//! The prescription being written, as the form carries it: one `l{i}.field` per line field,
//! the reasons typed for warnings (`reason:{rule}:{line}`), the options; read from the form
//! or from a returned prescription, and written as the API's request body.

use huimin_domain::i18n::Lang;
use serde_json::{Value, json};

use super::{both, override_key};

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

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_form_reads_back_as_typed_and_writes_the_request() {
        let form = pairs(&[
            ("l0.drug", "EM0273"),
            ("l0.units", "mg|片"),
            ("l0.dose", " 2.5 "),
            ("l0.dose_unit", "mg"),
            ("l0.frequency", "QD"),
            ("l0.days", "7"),
            ("l1.drug", "EM0102"),
            ("l1.days", "seven"),
            ("l1.quantity", "2"),
            ("reason:interaction:0", "心内科会诊同意"),
            ("reason:max-days:-", "慢病"),
            ("validity", "2"),
            ("pregnant", "1"),
        ]);
        let draft = Draft::from_pairs(&form);
        assert_eq!(draft.lines.len(), 2);
        assert_eq!(draft.lines[0].units, ["mg", "片"]);
        assert_eq!(draft.lines[1].days, "seven", "kept as typed");
        let body = draft.body(&["interaction:0".into(), "max-days:-".into()]);
        assert_eq!(body["kind"], "ordinary");
        assert_eq!(body["validity_days"], 2);
        assert_eq!(body["pregnant"], true);
        assert_eq!(body["lines"][0]["dose"], "2.5");
        assert!(
            body["lines"][0].get("quantity").is_none(),
            "computed by the API"
        );
        assert_eq!(
            body["lines"][1]["days"], 0,
            "not a number: refused by the API"
        );
        assert_eq!(body["lines"][1]["quantity"], 2);
        assert_eq!(
            body["overrides"],
            json!([{"rule": "interaction", "line": 0, "reason": "心内科会诊同意"},
                {"rule": "max-days", "line": null, "reason": "慢病"}])
        );
        assert!(body.get("version").is_none() && body.get("weight_kg").is_none());
    }

    #[test]
    fn a_returned_prescription_is_amended_from_its_lines_and_reasons() {
        let returned = json!({"id": "p1", "version": 3, "kind": "ordinary", "lines": [
            {"drug": "EM0273", "name": {"zh": "华法林片", "en": "Warfarin tablet"}, "dose": "2.5",
             "dose_unit": "mg", "frequency": "QD", "route": "oral", "days": 7, "quantity": 1},
            {"drug": "X", "name": {"zh": "红霉素软膏", "en": "x"}, "dose": "", "dose_unit": "g",
             "frequency": "BID", "route": "topical", "days": 5, "quantity": 2}],
            "overrides": [{"rule": "interaction", "line": 1, "reason": "会诊同意"}]});
        let draft = Draft::from_prescription(&returned, Lang::En);
        assert_eq!(draft.lines[0].name, "Warfarin tablet");
        assert_eq!(draft.lines[0].quantity, "", "computed again");
        assert_eq!(draft.lines[1].quantity, "2", "a written quantity is kept");
        assert_eq!(draft.reason("interaction:1"), "会诊同意");
        assert_eq!(draft.body(&[])["version"], 3);
    }

    #[test]
    fn a_drug_is_added_with_its_own_dose_unit_and_route() {
        let mut draft = Draft::default();
        let drug = json!({"code": "EM0001", "name": {"zh": "阿莫西林胶囊", "en": "Amoxicillin"},
            "strength": "250", "strength_unit": "mg", "piece_unit": "粒", "route": "oral"});
        draft.add(&drug, Lang::Zh);
        let line = &draft.lines[0];
        assert_eq!((line.dose.as_str(), line.dose_unit.as_str()), ("250", "mg"));
        assert_eq!(
            (line.route.as_str(), line.units.join("|").as_str()),
            ("oral", "mg|粒")
        );
    }
}
