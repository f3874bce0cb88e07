//! The printed outpatient record (门诊病历) of one visit: everything the PDF shows, already
//! formatted for reading (times in the hospital's time zone, masked identifiers), so that the
//! renderer only lays it out. Who builds it (the visit and its signed note) decides the
//! facts; [`VisitDocument::check`] decides whether they can be printed.

use crate::i18n::Text;
use crate::records::note::Certainty;
use crate::records::verification::VerificationCode;

/// The sections of an outpatient note in the order 病历书写基本规范 gives them.
pub const STANDARD_SECTIONS: [&str; 8] = [
    "主诉",
    "现病史",
    "既往史",
    "过敏史",
    "体格检查",
    "辅助检查",
    "诊断",
    "处理意见",
];

/// Longest text of one section, in characters (a long note is a few thousand).
pub const MAX_SECTION_CHARS: usize = 20_000;
/// Longest one-line field (names, department, address), in characters.
pub const MAX_FIELD_CHARS: usize = 200;

/// One printed record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitDocument {
    pub hospital_name_zh: String,
    pub hospital_name_en: String,
    pub hospital_address: String,
    pub patient_name: String,
    /// As printed: 男 / 女 / 未知.
    pub patient_sex: String,
    /// As printed: `45岁`, `8月`.
    pub patient_age: String,
    /// Already masked (`110***********1234`).
    pub patient_id_masked: String,
    /// The visit's number (门诊号 / 就诊号).
    pub visit_number: String,
    /// The visit's date and time in the hospital's time zone, formatted by the caller.
    pub visited_at: String,
    pub department: String,
    pub doctor: String,
    /// The note's sections in order, as (title, text); text may hold line breaks.
    pub sections: Vec<NoteSection>,
    pub diagnoses: Vec<DiagnosisLine>,
    pub allergies: Vec<AllergyLine>,
    /// The visit's final test reports (title, lines of results with their flags), printed
    /// after the note: outside what the signature covers.
    pub results: Vec<NoteSection>,
    pub signature: SignatureLine,
    pub code: VerificationCode,
    /// Where the code is checked: `https://hospital.example/verify/ABCDEFGHJK`.
    pub verify_url: String,
    /// When this copy was printed, in the hospital's time zone, formatted by the caller.
    pub printed_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSection {
    pub title: String,
    pub text: String,
}

impl NoteSection {
    pub fn new(title: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            text: text.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiagnosisLine {
    /// ICD-10 code (`I10`, `J06.9`).
    pub code: String,
    pub name: String,
    pub primary: bool,
    pub certainty: Certainty,
}

impl DiagnosisLine {
    /// `I10 原发性高血压（主要诊断）` / `… 待查（次要诊断）`.
    pub fn printed(&self) -> String {
        let pending = match self.certainty {
            Certainty::Confirmed => "",
            Certainty::Provisional => " 待查",
        };
        let rank = if self.primary {
            "主要诊断"
        } else {
            "次要诊断"
        };
        format!("{} {}{pending}（{rank}）", self.code, self.name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllergyLine {
    pub substance: String,
    pub reaction: String,
    /// As printed: 轻度 / 中度 / 重度.
    pub severity: String,
}

/// Whether the printed version is the first signed one or an amendment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureStatus {
    Signed,
    Amended { version: u32, reasons: Vec<String> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureLine {
    pub doctor: String,
    /// Formatted by the caller, hospital time zone.
    pub signed_at: String,
    pub key_id: String,
    pub status: SignatureStatus,
}

/// Why a document cannot be printed: the field and a message in both languages.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {}", message.en)]
pub struct DocumentError {
    pub field: String,
    pub message: Text,
}

fn refuse(field: impl Into<String>, zh: &str, en: &str) -> DocumentError {
    DocumentError {
        field: field.into(),
        message: Text::new(zh, en),
    }
}

/// A one-line field: present, not too long, no control characters.
fn check_field(field: &str, value: &str, required: bool) -> Result<(), DocumentError> {
    if required && value.trim().is_empty() {
        return Err(refuse(field, "不能为空", "must not be empty"));
    }
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(refuse(
            field,
            "过长（最多 200 字）",
            "too long (200 characters at most)",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(refuse(field, "含有控制字符", "holds control characters"));
    }
    Ok(())
}

/// A block of text: line breaks and tabs allowed, other control characters not.
fn check_text(field: &str, value: &str) -> Result<(), DocumentError> {
    if value.chars().count() > MAX_SECTION_CHARS {
        return Err(refuse(
            field,
            "过长（最多 20000 字）",
            "too long (20,000 characters at most)",
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(refuse(field, "含有控制字符", "holds control characters"));
    }
    Ok(())
}

impl VisitDocument {
    /// Whether the document can be printed: every field the record needs is there, nothing
    /// is too long, the verify address is a web address that ends with the code.
    pub fn check(&self) -> Result<(), DocumentError> {
        for (field, value, required) in [
            ("hospital_name_zh", &self.hospital_name_zh, true),
            ("hospital_name_en", &self.hospital_name_en, false),
            ("hospital_address", &self.hospital_address, false),
            ("patient_name", &self.patient_name, true),
            ("patient_sex", &self.patient_sex, true),
            ("patient_age", &self.patient_age, false),
            ("patient_id_masked", &self.patient_id_masked, false),
            ("visit_number", &self.visit_number, true),
            ("visited_at", &self.visited_at, true),
            ("department", &self.department, true),
            ("doctor", &self.doctor, true),
            ("signature.doctor", &self.signature.doctor, true),
            ("signature.signed_at", &self.signature.signed_at, true),
            ("signature.key_id", &self.signature.key_id, true),
            ("printed_at", &self.printed_at, true),
        ] {
            check_field(field, value, required)?;
        }
        if self.sections.is_empty() {
            return Err(refuse(
                "sections",
                "病历没有内容",
                "the note has no sections",
            ));
        }
        for (i, section) in self.sections.iter().enumerate() {
            check_field(&format!("sections[{i}].title"), &section.title, true)?;
            check_text(&format!("sections[{i}].text"), &section.text)?;
        }
        for (i, diagnosis) in self.diagnoses.iter().enumerate() {
            check_field(&format!("diagnoses[{i}].code"), &diagnosis.code, true)?;
            check_field(&format!("diagnoses[{i}].name"), &diagnosis.name, true)?;
        }
        if self.diagnoses.iter().filter(|d| d.primary).count() > 1 {
            return Err(refuse(
                "diagnoses",
                "只能有一个主要诊断",
                "only one diagnosis can be the primary one",
            ));
        }
        for (i, allergy) in self.allergies.iter().enumerate() {
            check_field(
                &format!("allergies[{i}].substance"),
                &allergy.substance,
                true,
            )?;
            check_field(
                &format!("allergies[{i}].reaction"),
                &allergy.reaction,
                false,
            )?;
            check_field(
                &format!("allergies[{i}].severity"),
                &allergy.severity,
                false,
            )?;
        }
        if let SignatureStatus::Amended { version, reasons } = &self.signature.status {
            if *version < 2 {
                return Err(refuse(
                    "signature.status",
                    "修订版本号至少为 2",
                    "an amendment is version 2 or later",
                ));
            }
            if reasons.is_empty() || reasons.iter().any(|r| r.trim().is_empty()) {
                return Err(refuse(
                    "signature.status",
                    "修订必须说明原因",
                    "an amendment states its reasons",
                ));
            }
            for (i, reason) in reasons.iter().enumerate() {
                check_field(&format!("signature.reasons[{i}]"), reason, true)?;
            }
        }
        check_field("verify_url", &self.verify_url, true)?;
        let web = self.verify_url.starts_with("https://") || self.verify_url.starts_with("http://");
        if !web || !self.verify_url.ends_with(self.code.as_str()) {
            return Err(refuse(
                "verify_url",
                "核验地址须为以核验码结尾的网址",
                "the verify address is a web address ending with the code",
            ));
        }
        Ok(())
    }

    /// The signature line as printed.
    pub fn signature_text(&self) -> String {
        let s = &self.signature;
        let status = match &s.status {
            SignatureStatus::Signed => "已签名".to_owned(),
            SignatureStatus::Amended { version, reasons } => {
                format!("已修订（第 {version} 版，原因：{}）", reasons.join("；"))
            }
        };
        format!(
            "医师签名：{}　签名时间：{}　密钥：{}　{status}",
            s.doctor, s.signed_at, s.key_id
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn sample() -> VisitDocument {
        let code = VerificationCode::parse("ABCDEFGHJK").unwrap();
        VisitDocument {
            hospital_name_zh: "惠民示范医院".into(),
            hospital_name_en: "Huimin Demonstration Hospital".into(),
            hospital_address: "北京市东城区示范路 1 号".into(),
            patient_name: "张三".into(),
            patient_sex: "男".into(),
            patient_age: "45岁".into(),
            patient_id_masked: "110***********1234".into(),
            visit_number: "MZ20261207001".into(),
            visited_at: "2026-12-07 09:30".into(),
            department: "心血管内科".into(),
            doctor: "李医生".into(),
            sections: STANDARD_SECTIONS
                .iter()
                .map(|t| NoteSection::new(*t, "无"))
                .collect(),
            diagnoses: vec![DiagnosisLine {
                code: "I10".into(),
                name: "原发性高血压".into(),
                primary: true,
                certainty: Certainty::Confirmed,
            }],
            allergies: vec![],
            results: Vec::new(),
            signature: SignatureLine {
                doctor: "李医生".into(),
                signed_at: "2026-12-07 09:50".into(),
                key_id: "ed25519:ab12".into(),
                status: SignatureStatus::Signed,
            },
            verify_url: format!("https://h.example/verify/{code}"),
            code,
            printed_at: "2026-12-07 10:00".into(),
        }
    }

    #[test]
    fn a_complete_document_can_be_printed() {
        assert_eq!(sample().check(), Ok(()));
    }

    #[test]
    fn a_document_without_a_patient_name_is_refused_naming_the_field() {
        let mut doc = sample();
        doc.patient_name = " ".into();
        assert_eq!(doc.check().unwrap_err().field, "patient_name");
    }

    #[test]
    fn a_verify_address_for_another_code_is_refused() {
        let mut doc = sample();
        doc.verify_url = "https://h.example/verify/ZZZZZZZZZZ".into();
        assert_eq!(doc.check().unwrap_err().field, "verify_url");
    }

    #[test]
    fn an_amendment_without_a_reason_is_refused() {
        let mut doc = sample();
        doc.signature.status = SignatureStatus::Amended {
            version: 2,
            reasons: vec![],
        };
        assert_eq!(doc.check().unwrap_err().field, "signature.status");
    }

    #[test]
    fn two_primary_diagnoses_are_refused() {
        let mut doc = sample();
        doc.diagnoses.push(doc.diagnoses[0].clone());
        assert_eq!(doc.check().unwrap_err().field, "diagnoses");
    }

    #[test]
    fn section_text_keeps_line_breaks_but_not_other_control_characters() {
        let mut doc = sample();
        doc.sections[0].text = "头痛\n三天".into();
        assert_eq!(doc.check(), Ok(()));
        doc.sections[0].text = "头痛\u{7}".into();
        assert_eq!(doc.check().unwrap_err().field, "sections[0].text");
    }

    #[test]
    fn a_suspected_secondary_diagnosis_prints_as_pending() {
        let line = DiagnosisLine {
            code: "E11.9".into(),
            name: "2型糖尿病".into(),
            primary: false,
            certainty: Certainty::Provisional,
        };
        assert_eq!(line.printed(), "E11.9 2型糖尿病 待查（次要诊断）");
    }

    #[test]
    fn an_amended_signature_names_its_version_and_reasons() {
        let mut doc = sample();
        doc.signature.status = SignatureStatus::Amended {
            version: 2,
            reasons: vec!["补充过敏史".into()],
        };
        assert!(doc.signature_text().contains("第 2 版"));
        assert!(doc.signature_text().contains("补充过敏史"));
    }
}
