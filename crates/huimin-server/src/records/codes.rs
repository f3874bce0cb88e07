//! Where the note meets the ICD-10 code table and the notifiable-disease report cards, which
//! are built beside the note (`icd10.rs`, the notifiable cards). Each is one call, so the
//! table's lookup and the card's opening are wired here and nowhere else.

use huimin_domain::records::{Diagnosis, Icd10Code, Icd10Entry};
use huimin_store::records::NoteRecord;

use crate::error::ApiError;
use crate::state::AppState;

/// The ICD-10 table's entry for `code`: its Chinese name, or the refusal naming `field`
/// (`422` when the table does not have it).
pub async fn known_icd10(
    state: &AppState,
    code: &Icd10Code,
    field: &str,
) -> Result<Icd10Entry, ApiError> {
    super::icd10::validate(&state.store, code.as_str(), field).await
}

/// Called once a note with these diagnoses is signed: opens a notifiable-disease report card
/// (传染病报告卡) for each notifiable one. The cards are not part of this build.
pub async fn open_report_cards(
    _state: &AppState,
    _note: &NoteRecord,
    _diagnoses: &[Diagnosis],
) -> Result<(), ApiError> {
    Ok(())
}
