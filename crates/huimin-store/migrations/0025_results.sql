-- Results (docs/design/results.md): one report (DiagnosticReport) per order, its observations,
-- the critical values (危急值) they raised and staff messages. The report and observation JSON
-- are sealed like the rest of the record; the columns beside them are what searches and the
-- escalation worker need. Times are microseconds UTC.
CREATE TABLE result_reports (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL UNIQUE,
    patient_id    TEXT NOT NULL,
    encounter_id  TEXT,
    item          TEXT NOT NULL,
    category      TEXT NOT NULL,
    status        TEXT NOT NULL,
    orderer_id    TEXT,
    department_id TEXT,
    source        TEXT NOT NULL,
    content       TEXT NOT NULL,
    effective_at  BIGINT NOT NULL,
    issued_at     BIGINT,
    recorded_by   TEXT NOT NULL,
    version       BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX result_reports_patient ON result_reports (patient_id, effective_at);
CREATE INDEX result_reports_encounter ON result_reports (encounter_id);

CREATE TABLE result_observations (
    id           TEXT PRIMARY KEY,
    report_id    TEXT NOT NULL,
    patient_id   TEXT NOT NULL,
    encounter_id TEXT,
    order_id     TEXT NOT NULL,
    code         TEXT NOT NULL,
    category     TEXT NOT NULL,
    status       TEXT NOT NULL,
    effective_at BIGINT NOT NULL,
    content      TEXT NOT NULL
);
CREATE INDEX result_observations_report ON result_observations (report_id);
CREATE INDEX result_observations_patient ON result_observations (patient_id, effective_at);

-- A critical value is raised when its report becomes final, told to the ordering doctor at
-- once, and escalated to the department's head(s) once if nobody acknowledged it in time.
CREATE TABLE critical_values (
    id              TEXT PRIMARY KEY,
    report_id       TEXT NOT NULL,
    observation_id  TEXT NOT NULL,
    patient_id      TEXT NOT NULL,
    doctor_id       TEXT NOT NULL,
    department_id   TEXT,
    analyte         TEXT NOT NULL,
    value           TEXT NOT NULL,
    unit            TEXT NOT NULL,
    side            TEXT NOT NULL,
    raised_at       BIGINT NOT NULL,
    escalated_at    BIGINT,
    escalated_to    TEXT,
    acknowledged_at BIGINT,
    acknowledged_by TEXT
);
CREATE INDEX critical_values_open ON critical_values (acknowledged_at, escalated_at, raised_at);
CREATE INDEX critical_values_doctor ON critical_values (doctor_id, raised_at);

-- Messages to staff (the outbox's events whose kind is told to staff), keyed by the event id
-- like `notifications`, so a repeated delivery leaves one message.
CREATE TABLE staff_notifications (
    id              TEXT PRIMARY KEY,
    practitioner_id TEXT NOT NULL,
    patient_id      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    text_zh         TEXT NOT NULL,
    text_en         TEXT NOT NULL,
    reference       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    read_at         BIGINT
);
CREATE INDEX staff_notifications_by_practitioner ON staff_notifications (practitioner_id, created_at);
