//! Where the note meets the ICD-10 code table and the notifiable-disease report cards, which
//! live in their own area (`codes/`). Each is one call, so the table's lookup and the card's
//! opening are swapped in here and nowhere else.

use huimin_domain::records::{Diagnosis, Icd10Code};
use huimin_store::records::NoteRecord;

use crate::error::ApiError;
use crate::state::AppState;

/// Whether the ICD-10 table knows `code`, and its Chinese name. The table is not part of this
/// build: every well-formed code is accepted and the name the doctor saw is kept.
pub async fn known_icd10(_state: &AppState, _code: &Icd10Code) -> Result<Option<String>, ApiError> {
    Ok(Some(String::new()))
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
