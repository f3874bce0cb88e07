-- The clinical record (docs/design/records.md).
--
-- encounters: one visit per appointment, opened at check-in in the same transaction
-- (appointment_id is unique, so opening twice is a no-op), moved along by calling and by the
-- doctor finishing it.
CREATE TABLE encounters (
    id                   TEXT PRIMARY KEY,
    appointment_id       TEXT NOT NULL UNIQUE,
    patient_id           TEXT NOT NULL,
    session_id           TEXT NOT NULL,
    practitioner_role_id TEXT,
    department_id        TEXT NOT NULL,
    room_id              TEXT,
    session_date         TEXT NOT NULL,   -- YYYY-MM-DD, hospital-local
    status               TEXT NOT NULL,   -- arrived | in-progress | finished | cancelled
    arrived_at           BIGINT NOT NULL,
    started_at           BIGINT,
    finished_at          BIGINT,
    version              BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX encounters_by_patient ON encounters (patient_id, arrived_at);
CREATE INDEX encounters_by_role ON encounters (practitioner_role_id, session_date);
CREATE INDEX encounters_by_department ON encounters (department_id, session_date);

-- record_notes: the outpatient note of a visit (a FHIR Composition), its current version and
-- whether that version is signed. A signed version is never written again: an amendment adds
-- a version.
CREATE TABLE record_notes (
    id                     TEXT PRIMARY KEY,
    encounter_id           TEXT NOT NULL UNIQUE,
    patient_id             TEXT NOT NULL,
    author_role_id         TEXT NOT NULL,
    author_practitioner_id TEXT NOT NULL,
    department_id          TEXT NOT NULL,
    status                 TEXT NOT NULL,   -- draft | signed
    version                BIGINT NOT NULL,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL
);
CREATE INDEX record_notes_by_patient ON record_notes (patient_id);
CREATE INDEX record_notes_by_author ON record_notes (author_practitioner_id, status);

-- Every version of every note: the sealed JSON (the form as typed, the Composition and its
-- Conditions), and for a signed version its signature (base64 Ed25519 over the RFC 8785
-- canonical JSON of the Composition and Conditions), key and time. The amendment's reason is
-- inside the sealed JSON.
CREATE TABLE record_note_versions (
    note_id    TEXT NOT NULL,
    version    BIGINT NOT NULL,
    content    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    signed_at  BIGINT,
    key_id     TEXT,
    signature  TEXT,
    PRIMARY KEY (note_id, version)
);

-- A patient's allergies (AllergyIntolerance), sealed; recorded once, shown on every visit.
CREATE TABLE allergies (
    id           TEXT PRIMARY KEY,
    patient_id   TEXT NOT NULL,
    encounter_id TEXT,
    content      TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX allergies_by_patient ON allergies (patient_id, recorded_at);

-- Doctors' signing keys: the Ed25519 public key by key id, the private key sealed with the
-- data key. A practitioner has one current key; retired keys stay to verify old signatures.
CREATE TABLE signing_keys (
    key_id          TEXT PRIMARY KEY,
    practitioner_id TEXT NOT NULL,
    public_key      TEXT NOT NULL,
    private_key     TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    retired_at      BIGINT
);
CREATE INDEX signing_keys_by_practitioner ON signing_keys (practitioner_id, retired_at);

-- Break-the-glass reads (紧急查阅) of records outside a doctor's care, with the sealed reason,
-- listed for the head of the reader's department.
CREATE TABLE record_break_glass (
    id              TEXT PRIMARY KEY,
    practitioner_id TEXT NOT NULL,
    department_id   TEXT,
    patient_id      TEXT NOT NULL,
    reason          TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX record_break_glass_by_department ON record_break_glass (department_id, at);
