-- Electronic invoices (电子票据) and daily reconciliation with the payment gateways
-- (docs/operations.md, "对账 Reconciliation" and "电子票据 E-invoices").
--
-- e_invoices: one row per invoice issued for a balanced bill. `number` is HM<year><8-digit
-- sequence>, unique; `content_sha256` is the hash of what the invoice states (items,
-- payments, total), so a bill whose money changed (a refund) is re-issued: the old row gets
-- `voided_at` and `replaced_by`, a new row a new number. At most one live invoice per bill.
CREATE TABLE e_invoices (
    number         TEXT PRIMARY KEY,
    bill_id        TEXT NOT NULL,
    patient_id     TEXT NOT NULL,
    issued_at      BIGINT NOT NULL,
    issued_by      TEXT NOT NULL,
    total_fen      BIGINT NOT NULL,
    content_sha256 TEXT NOT NULL,
    voided_at      BIGINT,
    replaced_by    TEXT
);
CREATE INDEX e_invoices_by_bill ON e_invoices (bill_id, issued_at);
CREATE UNIQUE INDEX e_invoices_live ON e_invoices (bill_id) WHERE voided_at IS NULL;

-- The last number used in each year (numbers never repeat, even when an invoice is voided).
CREATE TABLE e_invoice_sequences (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- Each run of a day's reconciliation: the gateway's statement against Huimin's orders,
-- ledger payments and gateway refunds. `date` is the statement's day (YYYY-MM-DD, Beijing
-- time); `differences` is JSON (payments and refunds: missing in Huimin, extra in Huimin,
-- amount mismatches). Runs are kept, never overwritten: a day may be run again.
CREATE TABLE reconciliations (
    id          TEXT PRIMARY KEY,
    provider    TEXT NOT NULL,
    date        TEXT NOT NULL,
    ran_at      BIGINT NOT NULL,
    ran_by      TEXT NOT NULL,
    matched     BIGINT NOT NULL,
    differences TEXT NOT NULL
);
CREATE INDEX reconciliations_by_date ON reconciliations (date, ran_at);
