-- Waitlist (候补) for full sessions: first come, first booked when a place frees.
CREATE TABLE waitlist_entries (
    id             TEXT PRIMARY KEY,
    patient_id     TEXT NOT NULL,
    account_id     TEXT,
    session_id     TEXT NOT NULL,
    status         TEXT NOT NULL,   -- waiting | booked | skipped | cancelled
    appointment_id TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX waitlist_by_session ON waitlist_entries (session_id, status, created_at);
CREATE INDEX waitlist_by_patient ON waitlist_entries (patient_id);
CREATE UNIQUE INDEX waitlist_one_per_patient_session
    ON waitlist_entries (patient_id, session_id) WHERE status = 'waiting';
