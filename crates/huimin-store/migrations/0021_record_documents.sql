-- Record documents: every printed visit record (PDF) a patient or the hospital issued, by its
-- verification code, so that anyone holding the paper can check it at /verify/{code}. The row
-- keeps the SHA-256 of the exact bytes issued and only the minimal facts the public check
-- shows (the patient's name already masked, 张*); the record itself stays in the resources.
CREATE TABLE record_documents (
    code                TEXT PRIMARY KEY,
    document_type       TEXT NOT NULL,
    patient_id          TEXT NOT NULL,
    encounter_id        TEXT NOT NULL,
    composition_id      TEXT NOT NULL,
    composition_version TEXT NOT NULL,
    sha256              TEXT NOT NULL,
    hospital            TEXT NOT NULL,
    visit_date          TEXT NOT NULL,
    department          TEXT NOT NULL,
    patient_masked      TEXT NOT NULL,
    issued_at           BIGINT NOT NULL,
    issued_by           TEXT NOT NULL
);
CREATE INDEX record_documents_patient ON record_documents (patient_id, issued_at);
