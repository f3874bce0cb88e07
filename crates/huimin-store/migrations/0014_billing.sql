-- The ledger (docs/design/billing.md): every fee is a charge item on the bill of one visit,
-- and every payment and refund is an entry against that bill, allocated to its items.
--
-- Invariant: for every bill, the entries' payments minus refunds equal the sum of the
-- amounts of its billable items once it is balanced, and never exceed it; an aborted item
-- keeps no money (it is refunded or handed to the item that replaced it).

-- The price list, imported by administrators from a CSV data file.
CREATE TABLE price_items (
    code               TEXT PRIMARY KEY,
    name_zh            TEXT NOT NULL,
    name_en            TEXT NOT NULL,
    category           TEXT NOT NULL,
    unit_zh            TEXT NOT NULL,
    unit_en            TEXT NOT NULL,
    price_fen          BIGINT NOT NULL,
    registration_class TEXT,
    imported_at        BIGINT NOT NULL
);

-- One bill (FHIR Invoice) per visit. `appointment_id` is the visit's current appointment: a
-- move hands the bill to the appointment that replaces it. `version` serialises payments:
-- every change of the bill's money is a conditional update of it.
CREATE TABLE bills (
    id             TEXT PRIMARY KEY,
    patient_id     TEXT NOT NULL,
    appointment_id TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL,
    version        BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX bills_by_patient ON bills (patient_id);

-- FHIR ChargeItem. `category` is the price list's (`registration` for the visit's fee);
-- `status` is `billable` or `aborted`; `performed_at` once the service was given (no longer
-- refundable). `list_price_fen` is the price list's price when the item is
-- priced otherwise (a doctor's own registration fee).
CREATE TABLE charge_items (
    id              TEXT PRIMARY KEY,
    bill_id         TEXT NOT NULL,
    patient_id      TEXT NOT NULL,
    code            TEXT NOT NULL,
    category        TEXT NOT NULL,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    quantity        BIGINT NOT NULL,
    unit_price_fen  BIGINT NOT NULL,
    amount_fen      BIGINT NOT NULL,
    list_price_fen  BIGINT,
    context         TEXT NOT NULL,
    status          TEXT NOT NULL,
    performed_at    BIGINT,
    entered_by      TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX charge_items_by_bill ON charge_items (bill_id);
CREATE INDEX charge_items_by_context ON charge_items (context);

-- Payments and refunds. A refund names the payment it goes back through (`refund_of`) and
-- takes its method.
CREATE TABLE ledger_entries (
    id           TEXT PRIMARY KEY,
    bill_id      TEXT NOT NULL,
    patient_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    method       TEXT NOT NULL,
    amount_fen   BIGINT NOT NULL,
    refund_of    TEXT,
    reason       TEXT,
    note         TEXT,
    recorded_by  TEXT,
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX ledger_entries_by_bill ON ledger_entries (bill_id);
CREATE INDEX ledger_entries_by_time ON ledger_entries (recorded_at);

-- Which items an entry paid or refunded, and how much of each.
CREATE TABLE ledger_allocations (
    entry_id       TEXT NOT NULL,
    charge_item_id TEXT NOT NULL,
    amount_fen     BIGINT NOT NULL,
    PRIMARY KEY (entry_id, charge_item_id)
);
CREATE INDEX ledger_allocations_by_item ON ledger_allocations (charge_item_id);

-- Why an appointment was cancelled (FHIR Appointment.cancelationReason), and the moves that
-- replaced one appointment by another, with the patient's answer to a stop-clinic move.
ALTER TABLE appointments ADD COLUMN cancel_reason TEXT;

CREATE TABLE appointment_moves (
    to_appointment   TEXT PRIMARY KEY,
    from_appointment TEXT NOT NULL,
    kind             TEXT NOT NULL,
    reply            TEXT NOT NULL,
    reply_by         BIGINT,
    replied_at       BIGINT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX appointment_moves_by_from ON appointment_moves (from_appointment);

-- The desk payments recorded before the ledger, as bills with one registration item each.
INSERT INTO bills (id, patient_id, appointment_id, status, version, created_at, updated_at)
SELECT 'bill-' || p.id, p.patient_id, p.appointment_id,
       CASE WHEN p.status = 'paid' THEN 'balanced' ELSE 'cancelled' END,
       1, p.paid_at, COALESCE(p.refunded_at, p.paid_at)
FROM payments p;

INSERT INTO charge_items (id, bill_id, patient_id, code, category, name_zh, name_en, quantity,
                          unit_price_fen, amount_fen, list_price_fen, context, status,
                          performed_at, entered_by, created_at, updated_at)
SELECT 'item-' || p.id, 'bill-' || p.id, p.patient_id,
       'registration-' || s.registration_class, 'registration', '挂号费', 'Registration fee', 1,
       p.amount_fen, p.amount_fen, NULL, 'Appointment/' || p.appointment_id,
       CASE WHEN p.status = 'paid' THEN 'billable' ELSE 'aborted' END,
       NULL, p.paid_by, p.paid_at, COALESCE(p.refunded_at, p.paid_at)
FROM payments p
JOIN appointments a ON a.id = p.appointment_id
JOIN clinic_sessions s ON s.id = a.session_id;

INSERT INTO ledger_entries (id, bill_id, patient_id, kind, method, amount_fen, refund_of,
                            reason, note, recorded_by, recorded_at)
SELECT p.id, 'bill-' || p.id, p.patient_id, 'payment', p.method, p.amount_fen, NULL, NULL,
       NULL, p.paid_by, p.paid_at
FROM payments p;

INSERT INTO ledger_entries (id, bill_id, patient_id, kind, method, amount_fen, refund_of,
                            reason, note, recorded_by, recorded_at)
SELECT 'refund-' || p.id, 'bill-' || p.id, p.patient_id, 'refund', p.method, p.amount_fen,
       p.id, CASE WHEN p.refund_reason = 'session-suspended' THEN p.refund_reason
                  ELSE 'cancelled' END,
       NULL, NULL, p.refunded_at
FROM payments p
WHERE p.status = 'refunded';

INSERT INTO ledger_allocations (entry_id, charge_item_id, amount_fen)
SELECT e.id, 'item-' || p.id, e.amount_fen
FROM ledger_entries e JOIN payments p ON e.bill_id = 'bill-' || p.id;

DROP TABLE payments;
