-- Registration fees paid at the desk, and their refunds. One payment per appointment: a
-- payment is never applied twice; a refund is a status change in the transaction that cancels
-- the appointment. A booking moved by stop-clinic takes its payment along.
CREATE TABLE payments (
    id             TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL UNIQUE,
    patient_id     TEXT NOT NULL,
    amount_fen     BIGINT NOT NULL,
    method         TEXT NOT NULL,
    status         TEXT NOT NULL,
    paid_at        BIGINT NOT NULL,
    paid_by        TEXT,
    refunded_at    BIGINT,
    refund_reason  TEXT
);
CREATE INDEX payments_by_patient ON payments (patient_id);
