-- Prescriptions 处方 and the pharmacy (docs/design/prescriptions.md).
--
-- reference_tables: the drug tables a hospital imports whole (formulary, interactions,
-- allergen groups), each import a new version; servers read the newest.
CREATE TABLE reference_tables (
    name        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    content     TEXT NOT NULL,
    imported_by TEXT,
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (name, version)
);

-- Practitioners who may prescribe narcotics and class I psychotropics (麻精药品处方权).
CREATE TABLE prescribing_rights (
    practitioner_id TEXT PRIMARY KEY,
    controlled      BIGINT NOT NULL,
    granted_by      TEXT,
    granted_at      BIGINT NOT NULL
);

-- Stock per lot, in packages. `reserved` is held for approved prescriptions; a lot past its
-- expiry (the last day of use) is never reserved or dispensed. Changes are conditional
-- updates on what is free, so the last box goes to one prescription only.
CREATE TABLE drug_lots (
    id          TEXT PRIMARY KEY,
    drug_code   TEXT NOT NULL,
    lot_number  TEXT NOT NULL,
    expiry      TEXT NOT NULL,
    on_hand     BIGINT NOT NULL,
    reserved    BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    received_by TEXT,
    CHECK (reserved >= 0 AND on_hand >= reserved)
);
CREATE UNIQUE INDEX drug_lots_by_number ON drug_lots (drug_code, lot_number);
CREATE INDEX drug_lots_by_expiry ON drug_lots (drug_code, expiry);

-- One prescription (its MedicationRequests share groupIdentifier = number). `content` is
-- sealed JSON: the lines, the findings, the doctor's overrides and the signature.
-- status: submitted → approved | returned; returned → submitted (amended, signed again);
-- approved → paid → dispensed → collected; submitted/approved → expired when its validity
-- ends unpaid (the reservation lapses); cancelled by the doctor before payment.
CREATE TABLE prescriptions (
    id              TEXT PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    encounter_id    TEXT NOT NULL,
    patient_id      TEXT NOT NULL,
    department_id   TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    role_id         TEXT NOT NULL,
    doctor          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    long_term       BIGINT NOT NULL,
    status          TEXT NOT NULL,
    content         TEXT NOT NULL,
    total_fen       BIGINT NOT NULL,
    valid_until     TEXT NOT NULL,
    written_at      BIGINT NOT NULL,
    signed_at       BIGINT NOT NULL,
    approved_at     BIGINT,
    paid_at         BIGINT,
    dispensed_at    BIGINT,
    collected_at    BIGINT,
    version         BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX prescriptions_by_encounter ON prescriptions (encounter_id);
CREATE INDEX prescriptions_by_patient ON prescriptions (patient_id, written_at);
CREATE INDEX prescriptions_by_status ON prescriptions (status, signed_at);

-- Each line's drug and packages, plain for the pharmacy's stock, and its charge item once
-- approved.
CREATE TABLE prescription_items (
    prescription_id TEXT NOT NULL,
    line_no         BIGINT NOT NULL,
    drug_code       TEXT NOT NULL,
    quantity        BIGINT NOT NULL,
    charge_item_id  TEXT,
    PRIMARY KEY (prescription_id, line_no)
);
CREATE INDEX prescription_items_by_charge ON prescription_items (charge_item_id);

-- Packages of a lot held for a line, from approval until dispensed or lapsed.
CREATE TABLE stock_reservations (
    prescription_id TEXT NOT NULL,
    line_no         BIGINT NOT NULL,
    lot_id          TEXT NOT NULL,
    quantity        BIGINT NOT NULL,
    PRIMARY KEY (prescription_id, line_no, lot_id)
);

-- Pharmacist review 处方审核: one row per signed version, decided once.
CREATE TABLE prescription_reviews (
    id              TEXT PRIMARY KEY,
    prescription_id TEXT NOT NULL,
    version         BIGINT NOT NULL,
    doctor          TEXT NOT NULL,
    submitted_at    BIGINT NOT NULL,
    pharmacist      TEXT,
    decision        TEXT,
    reason_code     TEXT,
    reason_text     TEXT,
    decided_at      BIGINT,
    UNIQUE (prescription_id, version)
);
CREATE INDEX prescription_reviews_by_doctor ON prescription_reviews (doctor, submitted_at);

-- What was handed out: lot by lot (sealed with nothing personal: codes and lots only).
CREATE TABLE dispensed_lots (
    prescription_id TEXT NOT NULL,
    line_no         BIGINT NOT NULL,
    lot_id          TEXT NOT NULL,
    lot_number      TEXT NOT NULL,
    expiry          TEXT NOT NULL,
    quantity        BIGINT NOT NULL,
    dispensed_by    TEXT NOT NULL,
    dispensed_at    BIGINT NOT NULL,
    PRIMARY KEY (prescription_id, line_no, lot_id)
);

-- Skin tests 皮试: a drug that needs one is dispensed only after a negative result on the visit.
CREATE TABLE skin_tests (
    id           TEXT PRIMARY KEY,
    encounter_id TEXT NOT NULL,
    patient_id   TEXT NOT NULL,
    drug_code    TEXT NOT NULL,
    result       TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX skin_tests_by_encounter ON skin_tests (encounter_id, drug_code);

-- Medicines the patient takes on another hospital's prescription (院外用药), recorded from the
-- patient's prescription or discharge papers: new prescriptions are checked against them
-- (duplicates, interactions) until their last day.
CREATE TABLE external_medications (
    id          TEXT PRIMARY KEY,
    patient_id  TEXT NOT NULL,
    drug_code   TEXT NOT NULL,
    hospital    TEXT NOT NULL,
    until       TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX external_medications_by_patient ON external_medications (patient_id, until);
