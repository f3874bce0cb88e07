-- Outpatient booking (A1, A8). Portable SQL for SQLite and PostgreSQL.
-- Counters (slots.booked/held, session_pools.used) only change through conditional UPDATEs
-- (`… WHERE booked + held < capacity`), so a place can never be given twice.

CREATE TABLE clinic_sessions (
    id                   TEXT PRIMARY KEY,
    hospital_id          TEXT NOT NULL,
    department_id        TEXT NOT NULL,
    practitioner_role_id TEXT,
    room_id              TEXT,
    session_date         TEXT NOT NULL,   -- YYYY-MM-DD, hospital-local
    period               TEXT NOT NULL,   -- morning | afternoon | evening
    starts_at            BIGINT NOT NULL,
    ends_at              BIGINT NOT NULL,
    registration_class   TEXT NOT NULL,
    fee_fen              BIGINT NOT NULL,
    status               TEXT NOT NULL,   -- active | suspended
    release_at           BIGINT NOT NULL, -- 放号 instant
    reserved_release_at  BIGINT NOT NULL, -- unused reserved places return to online from here
    created_at           BIGINT NOT NULL
);
CREATE INDEX clinic_sessions_by_department ON clinic_sessions (department_id, session_date);
CREATE INDEX clinic_sessions_by_role ON clinic_sessions (practitioner_role_id, session_date);

CREATE TABLE session_pools (
    session_id TEXT NOT NULL,
    pool       TEXT NOT NULL,             -- online | window | elderly | referral
    capacity   BIGINT NOT NULL,
    used       BIGINT NOT NULL,
    PRIMARY KEY (session_id, pool)
);

CREATE TABLE slots (
    id                 TEXT PRIMARY KEY,
    session_id         TEXT NOT NULL,
    starts_at          BIGINT NOT NULL,
    ends_at            BIGINT NOT NULL,
    capacity           BIGINT NOT NULL,
    booked             BIGINT NOT NULL,
    held               BIGINT NOT NULL,
    first_queue_number BIGINT NOT NULL
);
CREATE INDEX slots_by_session ON slots (session_id, starts_at);

CREATE TABLE appointments (
    id              TEXT PRIMARY KEY,
    patient_id      TEXT NOT NULL,
    account_id      TEXT,
    slot_id         TEXT NOT NULL,
    session_id      TEXT NOT NULL,
    hospital_id     TEXT NOT NULL,
    department_id   TEXT NOT NULL,
    session_date    TEXT NOT NULL,
    period          TEXT NOT NULL,
    status          TEXT NOT NULL,        -- FHIR Appointment.status codes
    pool            TEXT NOT NULL,
    channel         TEXT NOT NULL,
    queue_number    BIGINT NOT NULL,
    hold_expires_at BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX appointments_by_patient ON appointments (patient_id, session_date);
CREATE INDEX appointments_by_slot ON appointments (slot_id, status);
-- The last line of defence for "one booking per person, day, department and period".
CREATE UNIQUE INDEX appointments_one_per_department_period
    ON appointments (patient_id, hospital_id, department_id, session_date, period)
    WHERE status IN ('pending', 'booked', 'checked-in');

-- Taken (an UPDATE) at the start of every booking transaction of the patient, so quota and
-- hold rules, which read before they decide, see a stable picture on PostgreSQL too.
CREATE TABLE patient_booking_locks (
    patient_id TEXT PRIMARY KEY,
    version    BIGINT NOT NULL
);

CREATE TABLE noshows (
    appointment_id TEXT PRIMARY KEY,
    patient_id     TEXT NOT NULL,
    session_date   TEXT NOT NULL
);
CREATE INDEX noshows_by_patient ON noshows (patient_id);

-- A retried request with the same Idempotency-Key gets the first answer.
CREATE TABLE idempotency_keys (
    account_id     TEXT NOT NULL,
    key            TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    appointment_id TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);
