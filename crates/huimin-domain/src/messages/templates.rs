//! The texts of the messages, as data: `data/message-templates.toml`, one table per event
//! with a `title` and a `body` in Chinese and English, `{name}` standing for a fact of the
//! event. Parsing checks everything a renderer could trip on (every event present, both
//! languages, only known facts, the same facts in both languages), so the one failure left
//! to rendering is an event that lacks a fact its text names.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::kind::EventKind;
use crate::i18n::{Lang, Text};

/// The facts a message may name: what the delivery worker supplies, a subset per event.
pub const FACTS: &[&str] = &[
    "patient",
    "date",
    "period",
    "time",
    "number",
    "doctor",
    "department",
    "room",
    "new_date",
    "new_period",
    "new_time",
    "new_number",
    "new_doctor",
    "new_room",
    "deadline",
    "amount",
    "method",
    "reason",
    "ahead",
    "expires",
    "report",
    "result",
    "minutes",
];

const BUILTIN: &str = include_str!("../../data/message-templates.toml");

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    /// Not TOML, or not the file's shape (a missing language, an unknown key): the TOML
    /// parser's message, with the line.
    #[error("the message templates cannot be read: {0}")]
    Syntax(String),
    #[error("the message templates name an unknown event `{0}`")]
    UnknownKind(String),
    #[error("the message templates have no texts for the event `{0}`")]
    MissingKind(EventKind),
    #[error("{kind}.{part}.{lang} is empty")]
    Empty {
        kind: EventKind,
        part: &'static str,
        lang: &'static str,
    },
    #[error("{kind}.{part}.{lang}: {problem}")]
    Placeholder {
        kind: EventKind,
        part: &'static str,
        lang: &'static str,
        problem: String,
    },
    #[error(
        "{kind}.{part}: the Chinese text names {zh:?} and the English {en:?}; both must name the same facts"
    )]
    FactsDiffer {
        kind: EventKind,
        part: &'static str,
        zh: BTreeSet<String>,
        en: BTreeSet<String>,
    },
    #[error("the message `{kind}` needs the fact `{name}`, which the event does not have")]
    MissingFact { kind: EventKind, name: String },
}

/// A message ready to send, in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub title: String,
    pub body: String,
}

/// One event's texts.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Template {
    title: Text,
    body: Text,
}

/// The texts of every event, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Templates {
    by_kind: BTreeMap<EventKind, Template>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    zh: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    title: RawText,
    body: RawText,
}

impl Templates {
    /// The templates shipped in the binary. They are checked by the tests, so this cannot
    /// fail in a build that passed them.
    pub fn builtin() -> Templates {
        Templates::parse(BUILTIN).expect("data/message-templates.toml is checked by the tests")
    }

    pub fn parse(text: &str) -> Result<Templates, TemplateError> {
        let raw: BTreeMap<String, RawTemplate> =
            toml::from_str(text).map_err(|e| TemplateError::Syntax(e.to_string()))?;
        let mut by_kind = BTreeMap::new();
        for (code, raw) in raw {
            let kind = EventKind::from_code(&code).ok_or(TemplateError::UnknownKind(code))?;
            let title = checked(kind, "title", raw.title)?;
            let body = checked(kind, "body", raw.body)?;
            by_kind.insert(kind, Template { title, body });
        }
        if let Some(missing) = EventKind::ALL
            .into_iter()
            .find(|k| !by_kind.contains_key(k))
        {
            return Err(TemplateError::MissingKind(missing));
        }
        Ok(Templates { by_kind })
    }

    /// The facts an event's texts name: what its event must supply.
    pub fn facts_of(&self, kind: EventKind) -> BTreeSet<&'static str> {
        let template = &self.by_kind[&kind];
        [&template.title.zh, &template.body.zh]
            .into_iter()
            .flat_map(|text| names(text).unwrap_or_default())
            .filter_map(|name| FACTS.iter().copied().find(|f| *f == name))
            .collect()
    }

    /// The message for an event in `lang`, each `{name}` replaced by the fact's text in
    /// that language; an error naming the first fact the event lacks.
    pub fn render(
        &self,
        kind: EventKind,
        lang: Lang,
        facts: &BTreeMap<String, Text>,
    ) -> Result<Rendered, TemplateError> {
        let template = &self.by_kind[&kind];
        let fill = |text: &Text| -> Result<String, TemplateError> {
            let mut out = String::new();
            for piece in pieces(text.get(lang)).unwrap_or_default() {
                match piece {
                    Piece::Literal(literal) => out.push_str(literal),
                    Piece::Fact(name) => match facts.get(name) {
                        Some(value) => out.push_str(value.get(lang)),
                        None => {
                            return Err(TemplateError::MissingFact {
                                kind,
                                name: name.to_owned(),
                            });
                        }
                    },
                }
            }
            Ok(out)
        };
        Ok(Rendered {
            title: fill(&template.title)?,
            body: fill(&template.body)?,
        })
    }
}

/// A text of the file, checked: both languages filled, well-formed placeholders naming known
/// facts, the same facts in both.
fn checked(kind: EventKind, part: &'static str, raw: RawText) -> Result<Text, TemplateError> {
    let mut named = Vec::new();
    for (lang, text) in [("zh", &raw.zh), ("en", &raw.en)] {
        if text.trim().is_empty() {
            return Err(TemplateError::Empty { kind, part, lang });
        }
        let problem = |problem: String| TemplateError::Placeholder {
            kind,
            part,
            lang,
            problem,
        };
        let names = names(text).map_err(problem)?;
        if let Some(unknown) = names.iter().find(|n| !FACTS.contains(n)) {
            return Err(problem(format!(
                "{{{unknown}}} is not a fact a message can name (known: {})",
                FACTS.join(", ")
            )));
        }
        named.push(
            names
                .into_iter()
                .map(str::to_owned)
                .collect::<BTreeSet<_>>(),
        );
    }
    if named[0] != named[1] {
        return Err(TemplateError::FactsDiffer {
            kind,
            part,
            zh: named.swap_remove(0),
            en: named.swap_remove(0),
        });
    }
    Ok(Text::new(raw.zh, raw.en))
}

enum Piece<'a> {
    Literal(&'a str),
    Fact(&'a str),
}

/// A text cut at its placeholders; a problem with a brace says where.
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        if rest[at..].starts_with('}') {
            return Err(format!("a `}}` without its `{{` after {:?}", &rest[..at]));
        }
        out.push(Piece::Literal(&rest[..at]));
        let after = &rest[at + 1..];
        let end = after
            .find(['{', '}'])
            .filter(|&end| after[end..].starts_with('}'))
            .ok_or_else(|| format!("a `{{` that is never closed, before {after:?}"))?;
        let name = &after[..end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(format!(
                "{{{name}}}: a placeholder is a fact's name in lower case"
            ));
        }
        out.push(Piece::Fact(name));
        rest = &after[end + 1..];
    }
    out.push(Piece::Literal(rest));
    Ok(out)
}

/// The facts a text names, in order.
fn names(text: &str) -> Result<Vec<&str>, String> {
    Ok(pieces(text)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Fact(name) => Some(name),
            Piece::Literal(_) => None,
        })
        .collect())
}

#[cfg(test)]
#[path = "templates_tests.rs"]
mod tests;
