//! The checks of rational drug use 合理用药审查, each a rule with a stable code, a severity,
//! a bilingual message and the data that decided it. They run over checked lines as the
//! doctor types and again on signing; the pharmacist sees the same findings.
//!
//! Rules are data-driven: the formulary's classes, the interaction and allergen tables and
//! the [`Policy`] (outpatient or online, limits) decide, never a branch on a drug's name.

mod allergy;
mod antimicrobial;
mod cautions;
mod controlled;
mod dose;
mod duplicate;
mod interaction;
mod limits;
mod long_term;
mod quantity;
mod rules;
mod signing;
mod skin_test;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod support;

pub use rules::{RULES, RuleInfo};
pub use signing::{MAX_REASON_CHARS, Override, overridable, signing_problems, unresolved};
pub use skin_test::skin_test_gate;

use crate::directory::PractitionerTitle;
use crate::i18n::Text;

use super::allergens::Allergens;
use super::drug::{Drug, Micro};
use super::interactions::Interactions;
use super::prescription::{Line, PrescriptionKind};

/// What a finding does to a prescription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Shown; nothing to do (e.g. a skin test is needed before dispensing).
    Info,
    /// Signing needs a reason from the doctor, kept and shown to the pharmacist.
    Warn,
    /// Signing is refused.
    Block,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Block => "block",
        }
    }
}

/// One rule's verdict on a prescription (or one of its lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule code: `allergy`, `interaction`, `max-drugs`, … (see `RULES`).
    pub rule: &'static str,
    pub severity: Severity,
    pub message: Text,
    /// The lines it is about (0-based), empty for the prescription as a whole.
    pub lines: Vec<usize>,
    /// What decided it, as name → value (the allergy typed, the pair's table row, the limit).
    pub data: Vec<(&'static str, String)>,
}

/// The patient as the rules need them.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PatientFacts {
    /// Age in whole months (a child's dose depends on it).
    pub age_months: u32,
    pub weight_kg: Option<Micro>,
    pub pregnant: bool,
    /// Allergies as typed on the record (过敏原: 青霉素).
    pub allergies: Vec<String>,
    /// A stable chronic diagnosis on record (长期处方 needs one).
    pub stable_chronic: bool,
    /// Cancer pain or moderate-to-severe chronic pain patients (癌痛/慢性中重度疼痛):
    /// larger narcotic quantities (麻醉药品和精神药品管理条例; 处方管理办法 第二十四条).
    pub chronic_pain: bool,
}

/// The prescribing doctor as the rules need them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrescriberFacts {
    pub title: PractitionerTitle,
    /// 麻醉药品和第一类精神药品处方权 (a flag on the practitioner).
    pub controlled_qualified: bool,
}

/// A medication the patient already takes: another prescription still active, here or
/// imported from another hospital.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveMedication {
    pub drug: Drug,
    /// Where it comes from, for the message: 心血管内科 or 泉城市第一人民医院.
    pub source: Text,
}

/// Where and how the prescription is written: the settings rules read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Online (internet hospital): controlled drugs never.
    pub online: bool,
    /// Outpatient care: special-use antimicrobials never.
    pub outpatient: bool,
    pub max_lines: usize,
    /// Days of an ordinary prescription before a reason is needed.
    pub ordinary_days: u32,
    pub emergency_days: u32,
    /// A long prescription's limit, and the days above which it needs an assessment.
    pub long_days: u32,
    pub long_days_without_assessment: u32,
}

impl Default for Policy {
    /// The outpatient rules of 处方管理办法 and 长期处方管理规范（试行）.
    fn default() -> Self {
        Policy {
            online: false,
            outpatient: true,
            max_lines: super::prescription::MAX_LINES,
            ordinary_days: 7,
            emergency_days: 3,
            long_days: 84,
            long_days_without_assessment: 28,
        }
    }
}

/// The prescription as the rules see it.
#[derive(Clone, Debug)]
pub struct Prescription<'a> {
    pub kind: PrescriptionKind,
    /// 长期处方.
    pub long_term: bool,
    /// A recorded assessment (and the patient's signature) for a long prescription > 4 weeks.
    pub long_assessment: bool,
    pub lines: &'a [Line],
}

/// The data tables the rules read (imported by the hospital, shared by every check).
#[derive(Clone, Copy, Debug)]
pub struct Tables<'a> {
    pub interactions: &'a Interactions,
    pub allergens: &'a Allergens,
}

/// Everything a rule may read, passed to each family of rules.
struct Context<'a> {
    p: &'a Prescription<'a>,
    patient: &'a PatientFacts,
    prescriber: &'a PrescriberFacts,
    active: &'a [ActiveMedication],
    tables: &'a Tables<'a>,
    policy: &'a Policy,
}

impl Finding {
    fn new(
        rule: &'static str,
        severity: Severity,
        lines: Vec<usize>,
        message: Text,
        data: Vec<(&'static str, String)>,
    ) -> Finding {
        Finding {
            rule,
            severity,
            message,
            lines,
            data,
        }
    }
}

/// Runs every rule over a prescription: the findings, blocks first, then warnings, then
/// notes (within a severity, in the order the rules and lines come).
pub fn check(
    p: &Prescription,
    patient: &PatientFacts,
    prescriber: &PrescriberFacts,
    active: &[ActiveMedication],
    tables: &Tables,
    policy: &Policy,
) -> Vec<Finding> {
    let cx = Context {
        p,
        patient,
        prescriber,
        active,
        tables,
        policy,
    };
    let families: [fn(&Context, &mut Vec<Finding>); 11] = [
        allergy::check,
        interaction::check,
        duplicate::check,
        dose::check,
        cautions::check,
        limits::check,
        controlled::check,
        quantity::check,
        antimicrobial::check,
        skin_test::check,
        long_term::check,
    ];
    let mut findings = Vec::new();
    for family in families {
        family(&cx, &mut findings);
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}
