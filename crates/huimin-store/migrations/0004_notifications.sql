-- Messages to patients (停诊, waitlist offers, reminders), written in the same transaction as
-- the change they report, so a patient is never left uninformed of an acknowledged change.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    text_zh    TEXT NOT NULL,
    text_en    TEXT NOT NULL,
    reference  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at    BIGINT
);
CREATE INDEX notifications_by_patient ON notifications (patient_id, created_at);
