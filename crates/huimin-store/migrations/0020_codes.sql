-- Code tables and notifiable-disease report cards (docs/design/records-codes.md).
--
-- ICD-10: the hospital's diagnosis code table, replaced whole by an import. `code_tables`
-- holds one row per table with a version every import raises, so each server process knows
-- when the index it keeps in memory is stale.
CREATE TABLE icd10_codes (
    code        TEXT PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT,
    chapter     TEXT NOT NULL,
    category    TEXT NOT NULL,
    position    BIGINT NOT NULL
);
CREATE INDEX icd10_codes_by_category ON icd10_codes (category);

CREATE TABLE code_tables (
    name        TEXT PRIMARY KEY,
    version     BIGINT NOT NULL,
    entries     BIGINT NOT NULL,
    imported_at BIGINT
);
INSERT INTO code_tables (name, version, entries, imported_at) VALUES ('icd10', 0, 0, NULL);

-- 传染病报告卡: one card per (patient, diagnosis, visit), opened when a notifiable diagnosis is
-- saved or by a doctor, completed and submitted by the department's doctors before `due_at`.
-- The card's personal fields (name, ID number, address, …) are sealed in `sealed_fields`.
CREATE TABLE notifiable_reports (
    id              TEXT PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE,
    patient_id      TEXT NOT NULL,
    encounter_id    TEXT,
    condition_id    TEXT,
    icd10_code      TEXT NOT NULL,
    disease         TEXT NOT NULL,
    disease_class   TEXT NOT NULL,
    department_id   TEXT NOT NULL,
    doctor_role_id  TEXT NOT NULL,
    diagnosed_at    BIGINT NOT NULL,
    due_at          BIGINT NOT NULL,
    status          TEXT NOT NULL,
    sealed_fields   TEXT NOT NULL,
    opened_by       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    submitted_at    BIGINT,
    submitted_by    TEXT,
    version         BIGINT NOT NULL
);
CREATE INDEX notifiable_reports_by_department ON notifiable_reports (department_id, status, due_at);
CREATE INDEX notifiable_reports_by_patient ON notifiable_reports (patient_id);
CREATE INDEX notifiable_reports_submitted ON notifiable_reports (status, submitted_at);
