//! Mutual recognition of results 检查检验结果互认 (B6, DOMAIN §7, docs/design/recognition.md):
//! each orderable item's setting (recognised or not, the scope of recognition mark it needs,
//! its validity window), the rule that decides whether an earlier result is offered to the
//! doctor instead of a new test (`offer`), and the reasons allowed for testing again
//! (`RetestReason`).

mod institution;
mod retest;
mod rules;

#[cfg(test)]
mod tests;

pub use institution::{
    HOSPITAL_LEVELS, InstitutionIdKind, check_institution_id, credit_code_ok, hospital_level_ok,
};
pub use retest::{RetestReason, RetestRefusal, check_detail};
pub use rules::{
    Evidence, NotOffered, RecognitionSetting, Scope, SettingRefusal, Source, WINDOW_DAYS, offer,
};
