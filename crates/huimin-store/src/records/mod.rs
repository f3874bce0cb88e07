//! Clinical record storage: visits (encounters), outpatient notes and every version of them,
//! allergies, doctors' signing keys, break-the-glass reads; the registry of issued record
//! documents (`documents`); the ICD-10 code table (`icd10`) and the notifiable-disease report
//! cards (`notifiable`).

mod access;
mod allergies;
mod documents;
mod encounters;
mod icd10;
mod keys;
mod notes;
pub mod notifiable;

pub use access::BreakGlassRecord;
pub use allergies::AllergyRecord;
pub use documents::{IssuedDocument, RecordDocument};
pub use encounters::{EncounterFilter, EncounterRecord};
pub(crate) use encounters::{
    cancel_encounter_in, finish_encounter_in, open_encounter_in, start_encounter_in,
};
pub use icd10::Icd10Table;
pub use keys::SigningKeyRecord;
pub use notes::{NewNote, NoteRecord, NoteVersion, NoteWriteError, SignatureFacts};
pub use notifiable::{CardQuery, CardRecord, Diagnosis, NewCard};
