//! The outpatient note 门诊病历 as the national 病历书写基本规范 structures it: chief complaint
//! 主诉, present illness 现病史, past history 既往史, allergies 过敏史, physical examination
//! 体格检查, auxiliary results 辅助检查, diagnoses 诊断 and plan 处理意见. A draft may be
//! incomplete; a note is signed only when it has a chief complaint and one primary diagnosis.

use super::Icd10Code;
use crate::i18n::Text;

/// The narrative sections, in the order of the note, with their LOINC section codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    ChiefComplaint,
    PresentIllness,
    PastHistory,
    PhysicalExam,
    Auxiliary,
    Plan,
}

/// What marks a blank of a department template (`＿`, full-width low line): the doctor fills
/// it in, and a note keeping one is not signed.
pub const TEMPLATE_BLANK: char = '＿';

/// LOINC code of the allergies section (its entries are `AllergyIntolerance`s).
pub const ALLERGIES_LOINC: &str = "48765-2";
/// LOINC code of the diagnoses section (its entries are `Condition`s).
pub const DIAGNOSES_LOINC: &str = "29548-5";
/// LOINC document type of the note: Consult note.
pub const NOTE_LOINC: &str = "11488-4";
/// The longest text a section may hold, in characters.
pub const SECTION_MAX_CHARS: usize = 4000;
/// How many diagnoses one note may carry.
pub const MAX_DIAGNOSES: usize = 12;

impl Section {
    pub const ALL: [Section; 6] = [
        Section::ChiefComplaint,
        Section::PresentIllness,
        Section::PastHistory,
        Section::PhysicalExam,
        Section::Auxiliary,
        Section::Plan,
    ];

    /// The field name in forms and JSON bodies.
    pub fn key(self) -> &'static str {
        match self {
            Section::ChiefComplaint => "chief_complaint",
            Section::PresentIllness => "present_illness",
            Section::PastHistory => "past_history",
            Section::PhysicalExam => "physical_exam",
            Section::Auxiliary => "auxiliary",
            Section::Plan => "plan",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The LOINC section code.
    pub fn loinc(self) -> &'static str {
        match self {
            Section::ChiefComplaint => "10154-3",
            Section::PresentIllness => "10164-2",
            Section::PastHistory => "11348-0",
            Section::PhysicalExam => "29545-1",
            Section::Auxiliary => "30954-2",
            Section::Plan => "18776-5",
        }
    }

    pub fn title(self) -> Text {
        match self {
            Section::ChiefComplaint => Text::new("主诉", "Chief complaint"),
            Section::PresentIllness => Text::new("现病史", "History of present illness"),
            Section::PastHistory => Text::new("既往史", "Past history"),
            Section::PhysicalExam => Text::new("体格检查", "Physical examination"),
            Section::Auxiliary => Text::new("辅助检查", "Auxiliary results"),
            Section::Plan => Text::new("处理意见", "Plan"),
        }
    }
}

/// Whether a diagnosis is confirmed or still to be confirmed (待查, FHIR `provisional`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Certainty {
    Confirmed,
    Provisional,
}

impl Certainty {
    /// The FHIR `condition-ver-status` code.
    pub fn code(self) -> &'static str {
        match self {
            Certainty::Confirmed => "confirmed",
            Certainty::Provisional => "provisional",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "confirmed" => Some(Certainty::Confirmed),
            "provisional" => Some(Certainty::Provisional),
            _ => None,
        }
    }

    pub fn label(self) -> Text {
        match self {
            Certainty::Confirmed => Text::new("确诊", "Confirmed"),
            Certainty::Provisional => Text::new("待查", "To be confirmed"),
        }
    }
}

/// One diagnosis of a note. The first is the primary diagnosis 主要诊断, the others are
/// secondary 其他诊断.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnosis {
    pub code: Icd10Code,
    /// The name the doctor saw when picking the code (from the ICD-10 table).
    pub name: String,
    pub certainty: Certainty,
}

/// How bad an allergic reaction was (FHIR `reaction-event-severity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AllergySeverity {
    Mild,
    Moderate,
    Severe,
}

impl AllergySeverity {
    pub const ALL: [AllergySeverity; 3] = [
        AllergySeverity::Mild,
        AllergySeverity::Moderate,
        AllergySeverity::Severe,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AllergySeverity::Mild => "mild",
            AllergySeverity::Moderate => "moderate",
            AllergySeverity::Severe => "severe",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            AllergySeverity::Mild => Text::new("轻度", "Mild"),
            AllergySeverity::Moderate => Text::new("中度", "Moderate"),
            AllergySeverity::Severe => Text::new("重度", "Severe"),
        }
    }
}

/// A patient's allergy 过敏史, recorded once and shown on every later visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allergy {
    /// 过敏原, e.g. 青霉素.
    pub substance: String,
    /// What happened, e.g. 皮疹.
    pub reaction: String,
    pub severity: AllergySeverity,
}

/// A problem with one field of a note, for an `OperationOutcome` naming it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteProblem {
    pub field: String,
    pub text: Text,
}

impl NoteProblem {
    fn new(field: impl Into<String>, text: Text) -> Self {
        Self {
            field: field.into(),
            text,
        }
    }
}

/// The note as typed: each section's text and the diagnoses, as raw input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoteInput {
    pub sections: Vec<(Section, String)>,
    /// (code, name, certainty code), in rank order.
    pub diagnoses: Vec<(String, String, String)>,
}

/// A checked note: every section within bounds, every diagnosis well-formed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Note {
    sections: Vec<(Section, String)>,
    pub diagnoses: Vec<Diagnosis>,
}

impl Note {
    /// The text of a section ("" when empty).
    pub fn section(&self, section: Section) -> &str {
        self.sections
            .iter()
            .find(|(s, _)| *s == section)
            .map_or("", |(_, t)| t.as_str())
    }

    /// Checks a draft: bounded texts and well-formed diagnoses; nothing required yet.
    pub fn draft(input: &NoteInput) -> Result<Note, NoteProblem> {
        let mut sections = Vec::new();
        for section in Section::ALL {
            let text = input
                .sections
                .iter()
                .rev()
                .find(|(s, _)| *s == section)
                .map(|(_, t)| t.trim().replace("\r\n", "\n"))
                .unwrap_or_default();
            if text.chars().count() > SECTION_MAX_CHARS {
                return Err(NoteProblem::new(
                    section.key(),
                    Text::new(
                        format!("{}不能超过 {SECTION_MAX_CHARS} 字", section.title().zh),
                        format!(
                            "{} is limited to {SECTION_MAX_CHARS} characters",
                            section.title().en
                        ),
                    ),
                ));
            }
            if text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
            {
                return Err(NoteProblem::new(
                    section.key(),
                    Text::new("文本含有控制字符", "The text holds control characters"),
                ));
            }
            sections.push((section, text));
        }
        if input.diagnoses.len() > MAX_DIAGNOSES {
            return Err(NoteProblem::new(
                "diagnoses",
                Text::new(
                    format!("诊断最多 {MAX_DIAGNOSES} 条"),
                    format!("At most {MAX_DIAGNOSES} diagnoses"),
                ),
            ));
        }
        let mut diagnoses: Vec<Diagnosis> = Vec::new();
        for (i, (code, name, certainty)) in input.diagnoses.iter().enumerate() {
            let field = format!("diagnoses[{i}].code");
            let Ok(parsed) = Icd10Code::parse(code) else {
                return Err(NoteProblem::new(
                    field,
                    Text::new(
                        format!("“{}”不是 ICD-10 编码（如 I10、J06.9）", code.trim()),
                        format!("“{}” is not an ICD-10 code (e.g. I10, J06.9)", code.trim()),
                    ),
                ));
            };
            if diagnoses.iter().any(|d| d.code == parsed) {
                return Err(NoteProblem::new(
                    field,
                    Text::new(
                        format!("诊断 {parsed} 重复"),
                        format!("Diagnosis {parsed} is listed twice"),
                    ),
                ));
            }
            let Some(certainty) = Certainty::from_code(certainty.trim()) else {
                return Err(NoteProblem::new(
                    format!("diagnoses[{i}].certainty"),
                    Text::new("请选择确诊或待查", "Choose confirmed or to be confirmed"),
                ));
            };
            let name = name.trim();
            if name.chars().count() > 200 {
                return Err(NoteProblem::new(
                    format!("diagnoses[{i}].name"),
                    Text::new("诊断名称过长", "The diagnosis name is too long"),
                ));
            }
            diagnoses.push(Diagnosis {
                code: parsed,
                name: name.to_owned(),
                certainty,
            });
        }
        Ok(Note {
            sections,
            diagnoses,
        })
    }

    /// Checks a note for signing: a draft that also has a chief complaint, no template blank
    /// left ([`TEMPLATE_BLANK`]) and at least one diagnosis (the first is the primary one).
    pub fn for_signing(input: &NoteInput) -> Result<Note, NoteProblem> {
        let note = Self::draft(input)?;
        if note.section(Section::ChiefComplaint).is_empty() {
            return Err(NoteProblem::new(
                Section::ChiefComplaint.key(),
                Text::new(
                    "签名前请填写主诉",
                    "Write the chief complaint before signing",
                ),
            ));
        }
        if let Some(section) = Section::ALL
            .into_iter()
            .find(|s| note.section(*s).contains(TEMPLATE_BLANK))
        {
            let label = section.title();
            return Err(NoteProblem::new(
                section.key(),
                Text::new(
                    format!(
                        "“{}”中还有未填写的空白（＿＿），请填写或删去后再签名",
                        label.zh
                    ),
                    format!(
                        "{} still has a blank (＿＿) to fill: fill it in or delete it before signing",
                        label.en
                    ),
                ),
            ));
        }
        if note.diagnoses.is_empty() {
            return Err(NoteProblem::new(
                "diagnoses",
                Text::new(
                    "签名前请至少填写一条诊断",
                    "Add at least one diagnosis before signing",
                ),
            ));
        }
        Ok(note)
    }
}

impl Allergy {
    /// Checks an allergy as typed; `field` prefixes the names of its fields.
    pub fn parse(
        field: &str,
        substance: &str,
        reaction: &str,
        severity: &str,
    ) -> Result<Allergy, NoteProblem> {
        let substance = substance.trim();
        if substance.is_empty() || substance.chars().count() > 100 {
            return Err(NoteProblem::new(
                format!("{field}.substance"),
                Text::new(
                    "请填写过敏原（100 字以内）",
                    "Name the substance (up to 100 characters)",
                ),
            ));
        }
        let reaction = reaction.trim();
        if reaction.is_empty() || reaction.chars().count() > 200 {
            return Err(NoteProblem::new(
                format!("{field}.reaction"),
                Text::new(
                    "请填写过敏反应（200 字以内）",
                    "Describe the reaction (up to 200 characters)",
                ),
            ));
        }
        let Some(severity) = AllergySeverity::from_code(severity.trim()) else {
            return Err(NoteProblem::new(
                format!("{field}.severity"),
                Text::new(
                    "请选择严重程度：轻度、中度或重度",
                    "Choose the severity: mild, moderate or severe",
                ),
            ));
        };
        Ok(Allergy {
            substance: substance.to_owned(),
            reaction: reaction.to_owned(),
            severity,
        })
    }
}

/// Why an amendment is made: required, at most 500 characters.
pub fn check_amendment_reason(reason: &str) -> Result<String, NoteProblem> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(NoteProblem::new(
            "reason",
            Text::new(
                "修改已签名的病历须填写修改原因",
                "Amending a signed note needs a reason",
            ),
        ));
    }
    if reason.chars().count() > 500 {
        return Err(NoteProblem::new(
            "reason",
            Text::new(
                "修改原因不能超过 500 字",
                "The reason is limited to 500 characters",
            ),
        ));
    }
    Ok(reason.to_owned())
}

/// How long a note may stay unsigned before it is a quality-control item (24 h), in
/// microseconds.
pub const UNSIGNED_OVERDUE_MICROS: i64 = 24 * 3600 * 1_000_000;

/// Whether a draft last touched at `updated_at` is overdue for signing at `now`.
pub fn unsigned_overdue(created_at: i64, now: i64) -> bool {
    now - created_at > UNSIGNED_OVERDUE_MICROS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(chief: &str, diagnoses: &[(&str, &str)]) -> NoteInput {
        NoteInput {
            sections: vec![(Section::ChiefComplaint, chief.into())],
            diagnoses: diagnoses
                .iter()
                .map(|(c, v)| ((*c).into(), "名称".into(), (*v).into()))
                .collect(),
        }
    }

    #[test]
    fn a_draft_may_be_empty_but_a_signed_note_needs_a_chief_complaint_and_a_diagnosis() {
        assert!(Note::draft(&NoteInput::default()).is_ok());
        let err = Note::for_signing(&input("", &[("I10", "confirmed")])).unwrap_err();
        assert_eq!(err.field, "chief_complaint");
        let err = Note::for_signing(&input("头晕", &[])).unwrap_err();
        assert_eq!(err.field, "diagnoses");
        let note = Note::for_signing(&input("头晕", &[("I10", "provisional")])).unwrap();
        assert_eq!(note.diagnoses[0].certainty, Certainty::Provisional);
        assert_eq!(note.section(Section::ChiefComplaint), "头晕");
    }

    #[test]
    fn a_template_blank_left_keeps_the_note_from_being_signed_and_names_its_section() {
        let mut with_blank = input("头晕 3 天", &[("I10", "confirmed")]);
        with_blank
            .sections
            .push((Section::PhysicalExam, "BP＿＿/＿＿mmHg".into()));
        // A draft may keep it: the doctor is still writing.
        assert!(Note::draft(&with_blank).is_ok());
        let err = Note::for_signing(&with_blank).unwrap_err();
        assert_eq!(err.field, "physical_exam");
        assert!(err.text.zh.contains("体格检查"), "{}", err.text.zh);
        with_blank.sections[1].1 = "BP 150/95 mmHg".into();
        assert!(Note::for_signing(&with_blank).is_ok());
        // Spaces, even two in a row, are not blanks.
        assert!(Note::for_signing(&input("头晕  3 天", &[("I10", "confirmed")])).is_ok());
    }

    #[test]
    fn every_shipped_template_blank_is_the_one_the_signing_check_knows() {
        let templates = crate::records::NoteTemplates::builtin();
        let general = templates.for_department(None).text(Section::PhysicalExam);
        assert!(general.contains(TEMPLATE_BLANK), "{general}");
    }

    #[test]
    fn a_bad_diagnosis_is_refused_naming_its_field() {
        let err =
            Note::draft(&input("x", &[("I10", "confirmed"), ("XYZ", "confirmed")])).unwrap_err();
        assert_eq!(err.field, "diagnoses[1].code");
        let err =
            Note::draft(&input("x", &[("I10", "confirmed"), ("i10", "confirmed")])).unwrap_err();
        assert_eq!(err.field, "diagnoses[1].code");
        let err = Note::draft(&input("x", &[("I10", "sure")])).unwrap_err();
        assert_eq!(err.field, "diagnoses[0].certainty");
    }

    #[test]
    fn an_overlong_section_is_refused() {
        let long = "咳".repeat(SECTION_MAX_CHARS + 1);
        let err = Note::draft(&NoteInput {
            sections: vec![(Section::Plan, long)],
            diagnoses: vec![],
        })
        .unwrap_err();
        assert_eq!(err.field, "plan");
    }

    #[test]
    fn an_allergy_needs_substance_reaction_and_a_known_severity() {
        assert!(Allergy::parse("allergy", "青霉素", "皮疹", "moderate").is_ok());
        assert_eq!(
            Allergy::parse("allergy", " ", "皮疹", "mild")
                .unwrap_err()
                .field,
            "allergy.substance"
        );
        assert_eq!(
            Allergy::parse("allergy", "青霉素", "皮疹", "bad")
                .unwrap_err()
                .field,
            "allergy.severity"
        );
    }

    #[test]
    fn an_amendment_needs_a_reason() {
        assert_eq!(check_amendment_reason("  ").unwrap_err().field, "reason");
        assert_eq!(check_amendment_reason(" 补充查体 ").unwrap(), "补充查体");
    }

    #[test]
    fn a_draft_is_overdue_after_a_day() {
        assert!(!unsigned_overdue(0, UNSIGNED_OVERDUE_MICROS));
        assert!(unsigned_overdue(0, UNSIGNED_OVERDUE_MICROS + 1));
    }
}
