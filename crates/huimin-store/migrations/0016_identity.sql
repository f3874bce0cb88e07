-- Family members have a relationship to the account holder (parent, child, spouse, other);
-- the holder's own record is 'self'. Links made before relationships existed read 'other'.
UPDATE account_patients SET relationship = 'other' WHERE relationship = 'family';

-- A Patient record is the own record of at most one account (a second claim of it fails).
CREATE UNIQUE INDEX account_patients_one_holder ON account_patients (patient_id)
    WHERE relationship = 'self';

-- One-time codes the desk gives a person after checking their identity card: to claim their
-- record at sign-up or as a family member ('claim'), or to set a new password
-- ('reset-password'). Only a keyed hash of the code is stored. `closed_at` is set when the
-- code is used (by `used_by`) or replaced by a newer code for the same record and purpose.
CREATE TABLE desk_codes (
    id         TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    issued_by  TEXT NOT NULL,
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failures   BIGINT NOT NULL,
    closed_at  BIGINT,
    used_by    TEXT
);
CREATE INDEX desk_codes_by_patient ON desk_codes (patient_id, purpose, issued_at);

-- The version of the user agreement and privacy policy each account accepted, and when.
CREATE TABLE account_consents (
    user_id     TEXT NOT NULL REFERENCES users (id),
    version     TEXT NOT NULL,
    accepted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, version)
);
