-- Queue calling (叫号) after check-in. An appointment's place in the waiting line is its
-- order_key (queue number × 1000 at check-in; a passed patient gets a key after N others) and
-- its triage priority; called_at marks the patient called to the room. Every call and recall
-- is kept in calls, which waiting-area screens read.
ALTER TABLE appointments ADD COLUMN checked_in_at BIGINT;
ALTER TABLE appointments ADD COLUMN order_key BIGINT;
ALTER TABLE appointments ADD COLUMN priority BIGINT NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN called_at BIGINT;
ALTER TABLE appointments ADD COLUMN passes BIGINT NOT NULL DEFAULT 0;
-- Partial: only patients in line are indexed, so booking (the hot path) writes no extra index.
CREATE INDEX appointments_queue ON appointments (session_id) WHERE status = 'checked-in';
CREATE TABLE calls (
    id             TEXT PRIMARY KEY,
    session_id     TEXT NOT NULL,
    department_id  TEXT NOT NULL,
    appointment_id TEXT NOT NULL,
    patient_id     TEXT NOT NULL,
    queue_number   BIGINT NOT NULL,
    room_id        TEXT,
    kind           TEXT NOT NULL,
    called_at      BIGINT NOT NULL
);
CREATE INDEX calls_by_department ON calls (department_id, called_at);
