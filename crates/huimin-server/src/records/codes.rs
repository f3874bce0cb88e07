//! Where the note meets the ICD-10 code table and the notifiable-disease report cards, which
//! are built beside the note (`icd10.rs`, the notifiable cards). Each is one call, so the
//! table's lookup and the card's opening are wired here and nowhere else.

use huimin_domain::records::{Diagnosis, Icd10Code, Icd10Entry};
use huimin_store::records::{Diagnosis as CardDiagnosis, NoteRecord};

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
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

/// Called once a note with these diagnoses is signed (and again when it is amended): opens a
/// notifiable-disease report card (传染病报告卡) for each notifiable one, suspected (待查)
/// ones included, as the reporting rules ask. Opening is idempotent per patient, code and
/// visit, so an amendment that keeps a diagnosis does not open a second card. The card is
/// opened in its own transaction right after the signature's; if it failed, the signed note
/// stands and the doctor can open the card by hand (`POST /api/notifiable-reports`).
pub async fn open_report_cards(
    state: &AppState,
    ctx: &Ctx,
    note: &NoteRecord,
    diagnoses: &[Diagnosis],
) -> Result<(), ApiError> {
    let now = state.clock.now();
    for diagnosis in diagnoses {
        let card = CardDiagnosis {
            patient_id: &note.patient_id,
            encounter_id: Some(&note.encounter_id),
            condition_id: None,
            code: &diagnosis.code,
            doctor_role_id: &note.author_role_id,
            department_id: &note.department_id,
            diagnosed_at: now,
        };
        let opened = state
            .store
            .open_card_for_diagnosis(&card, now.as_microsecond())
            .await?;
        if let Some(id) = opened {
            audit::record(
                state,
                ctx,
                "create",
                &format!("NotifiableReport/{id}"),
                SUCCESS,
                &format!("opened by the diagnosis {}", diagnosis.code.as_str()),
            )
            .await?;
        }
    }
    Ok(())
}
