//! Department templates of the outpatient note, as data: `data/record-templates.toml`, one
//! table per national department code with default texts for the note's sections.

use std::collections::BTreeMap;

use super::Section;

const BUILTIN: &str = include_str!("../../data/record-templates.toml");

/// The key of the template used by departments without their own.
pub const GENERAL_TEMPLATE: &str = "general";

/// One department's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteTemplate {
    /// The table key: a national department code, or `general`.
    pub key: String,
    pub name: String,
    pub texts: Vec<(Section, String)>,
}

impl NoteTemplate {
    pub fn text(&self, section: Section) -> &str {
        self.texts
            .iter()
            .find(|(s, _)| *s == section)
            .map_or("", |(_, t)| t.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateFileError {
    #[error("the note templates cannot be read: {0}")]
    Syntax(String),
    #[error("the note template `{0}` names an unknown section `{1}`")]
    UnknownSection(String, String),
    #[error("the note template `{0}` has no name")]
    NoName(String),
    #[error("the note templates have no `general` template")]
    NoGeneral,
}

/// The templates, by key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteTemplates(BTreeMap<String, NoteTemplate>);

impl NoteTemplates {
    /// The templates shipped with Huimin.
    pub fn builtin() -> Self {
        Self::parse(BUILTIN).expect("data/record-templates.toml is checked by its tests")
    }

    pub fn parse(text: &str) -> Result<Self, TemplateFileError> {
        let tables: BTreeMap<String, BTreeMap<String, String>> =
            toml::from_str(text).map_err(|e| TemplateFileError::Syntax(e.to_string()))?;
        let mut templates = BTreeMap::new();
        for (key, mut fields) in tables {
            let name = fields
                .remove("name")
                .filter(|n| !n.trim().is_empty())
                .ok_or_else(|| TemplateFileError::NoName(key.clone()))?;
            let mut texts = Vec::new();
            for (field, text) in fields {
                let section = Section::from_key(&field)
                    .ok_or_else(|| TemplateFileError::UnknownSection(key.clone(), field))?;
                texts.push((section, text));
            }
            texts.sort_by_key(|(s, _)| Section::ALL.iter().position(|x| x == s));
            templates.insert(
                key.clone(),
                NoteTemplate {
                    key: key.clone(),
                    name,
                    texts,
                },
            );
        }
        if !templates.contains_key(GENERAL_TEMPLATE) {
            return Err(TemplateFileError::NoGeneral);
        }
        Ok(Self(templates))
    }

    pub fn get(&self, key: &str) -> Option<&NoteTemplate> {
        self.0.get(key)
    }

    /// The department's own template, else the general one.
    pub fn for_department(&self, department_code: Option<&str>) -> &NoteTemplate {
        department_code
            .and_then(|c| self.0.get(c))
            .unwrap_or_else(|| &self.0[GENERAL_TEMPLATE])
    }

    pub fn all(&self) -> impl Iterator<Item = &NoteTemplate> {
        self.0.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_templates_cover_five_departments_and_a_general_one() {
        let t = NoteTemplates::builtin();
        for (code, name) in [
            ("03.01", "呼吸内科"),
            ("03.04", "心血管内科"),
            ("07", "儿科"),
            ("03.02", "消化内科"),
            ("03.07", "内分泌科"),
        ] {
            let template = t.get(code).unwrap();
            assert_eq!(template.name, name);
            assert!(!template.text(Section::ChiefComplaint).is_empty(), "{code}");
            assert!(!template.text(Section::PhysicalExam).is_empty(), "{code}");
        }
        assert_eq!(t.for_department(Some("99")).key, "general");
        assert_eq!(t.for_department(Some("07")).name, "儿科");
    }

    #[test]
    fn a_template_with_an_unknown_section_is_refused() {
        let err =
            NoteTemplates::parse("[general]\nname = \"通用\"\nsymptoms = \"x\"\n").unwrap_err();
        assert!(matches!(err, TemplateFileError::UnknownSection(_, _)));
        assert_eq!(
            NoteTemplates::parse("[x]\nname = \"x\"\n").unwrap_err(),
            TemplateFileError::NoGeneral
        );
    }
}
