//! Clinical record storage: visits (encounters), outpatient notes and every version of them,
//! allergies, doctors' signing keys, and break-the-glass reads.

mod access;
mod allergies;
mod encounters;
mod keys;
mod notes;

pub use access::BreakGlassRecord;
pub use allergies::AllergyRecord;
pub use encounters::{EncounterFilter, EncounterRecord};
pub(crate) use encounters::{
    cancel_encounter_in, finish_encounter_in, open_encounter_in, start_encounter_in,
};
pub use keys::SigningKeyRecord;
pub use notes::{NewNote, NoteRecord, NoteVersion, NoteWriteError, SignatureFacts};
