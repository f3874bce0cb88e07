-- Medical insurance 医保 (docs/design/insurance.md): what the insurer knows of a patient, and
-- each bill's settlement.
--
-- insurance_cover: the insured state the local insurer keeps (the national platform keeps it
-- in production): scheme, retired, the personal-account balance and the year's figures the
-- deductible and the cap count against.
CREATE TABLE insurance_cover (
    patient_id          TEXT PRIMARY KEY,
    insured_no          TEXT NOT NULL,
    scheme              TEXT NOT NULL,
    retired             BIGINT NOT NULL,
    year                BIGINT NOT NULL,
    account_balance_fen BIGINT NOT NULL,
    deductible_used_fen BIGINT NOT NULL,
    pool_paid_fen       BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);

-- One settlement per payment of an insured bill: the split (pool, account, cash) and the
-- change it made to the patient's state, so a refund can reverse it exactly. `lines` is JSON:
-- per charge item its parts and the rules' reasons.
CREATE TABLE insurance_settlements (
    id               TEXT PRIMARY KEY,
    bill_id          TEXT NOT NULL,
    patient_id       TEXT NOT NULL,
    order_id         TEXT,
    policy_version   TEXT NOT NULL,
    year             BIGINT NOT NULL,
    pool_fen         BIGINT NOT NULL,
    account_fen      BIGINT NOT NULL,
    self_fen         BIGINT NOT NULL,
    deductible_delta BIGINT NOT NULL,
    lines            TEXT NOT NULL,
    status           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    reversed_at      BIGINT
);
CREATE INDEX insurance_settlements_by_bill ON insurance_settlements (bill_id);

-- An order of an insured bill pays only the cash part; the pre-settlement's parts are kept to
-- show the patient, and recomputed when the payment arrives.
ALTER TABLE pay_orders ADD COLUMN pool_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE pay_orders ADD COLUMN account_fen BIGINT NOT NULL DEFAULT 0;
