-- Orders 检查检验医嘱 with a closed loop (docs/design/orders.md).
--
-- orders: one row per ordered item (a FHIR ServiceRequest) on a visit, with the charge item it
-- put on the visit's bill. `status` is the step reached (ordered, paid, scheduled, collected,
-- performed, reported, reviewed, cancelled); every change is a conditional update on the
-- status the caller saw, so two steps racing on one order cannot both win.
CREATE TABLE orders (
    id                      TEXT PRIMARY KEY,
    encounter_id            TEXT NOT NULL,
    appointment_id          TEXT NOT NULL,
    patient_id              TEXT NOT NULL,
    department_id           TEXT NOT NULL,
    orderer_practitioner_id TEXT NOT NULL,
    orderer_role_id         TEXT NOT NULL,
    item_code               TEXT NOT NULL,
    category                TEXT NOT NULL,   -- lab | imaging | exam
    charge_item_id          TEXT NOT NULL,
    status                  TEXT NOT NULL,
    ordered_at              BIGINT NOT NULL,
    paid_at                 BIGINT,
    version                 BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL
);
CREATE INDEX orders_by_encounter ON orders (encounter_id);
CREATE INDEX orders_by_patient ON orders (patient_id, ordered_at);
CREATE INDEX orders_by_status ON orders (status, category);
CREATE INDEX orders_by_charge_item ON orders (charge_item_id);

-- Each step of an order once: who took it and when (the payment's recorder for `paid`).
CREATE TABLE order_steps (
    order_id TEXT NOT NULL,
    step     TEXT NOT NULL,
    at       BIGINT NOT NULL,
    by_user  TEXT,
    by_role  TEXT,
    PRIMARY KEY (order_id, step)
);

-- Same-day returns with results (A7): the visit put back at the head of its doctor's line,
-- and when the patient was called in again (the wait after return).
CREATE TABLE visit_returns (
    id             TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL,
    encounter_id   TEXT NOT NULL,
    patient_id     TEXT NOT NULL,
    department_id  TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    session_date   TEXT NOT NULL,
    returned_at    BIGINT NOT NULL,
    returned_by    TEXT NOT NULL,
    called_at      BIGINT
);
CREATE INDEX visit_returns_by_department ON visit_returns (department_id, session_date);
CREATE INDEX visit_returns_by_appointment ON visit_returns (appointment_id);
