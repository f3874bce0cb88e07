//! Clinical record storage: visits (encounters), outpatient notes and every version of them,
//! allergies, doctors' signing keys, break-the-glass reads, and the ICD-10 code table
//! (`icd10`).

mod access;
mod allergies;
mod encounters;
mod icd10;
mod keys;
mod notes;

pub use access::BreakGlassRecord;
pub use allergies::AllergyRecord;
pub use encounters::{EncounterFilter, EncounterRecord};
pub(crate) use encounters::{
    cancel_encounter_in, finish_encounter_in, open_encounter_in, start_encounter_in,
};
pub use icd10::Icd10Table;
pub use keys::SigningKeyRecord;
pub use notes::{NewNote, NoteRecord, NoteVersion, NoteWriteError, SignatureFacts};
