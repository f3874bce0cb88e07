-- Mutual recognition of results 结果互认 (docs/design/recognition.md).
--
-- external_results: a report from another institution, imported as a FHIR transaction Bundle
-- and kept as the DiagnosticReport served back (the performing Organization and the
-- Observations contained), sealed like the rest of the record. The columns beside it are what the offer
-- at ordering needs: whose, which orderable item, when issued, who performed it and the
-- recognition mark it carries. Times are microseconds UTC.
CREATE TABLE external_results (
    id                   TEXT PRIMARY KEY,
    patient_id           TEXT NOT NULL,
    item                 TEXT NOT NULL,
    issued_at            BIGINT NOT NULL,
    performer_name       TEXT NOT NULL,
    performer_identifier TEXT NOT NULL,
    performer_level      TEXT NOT NULL,
    mark_scope           TEXT NOT NULL,
    content              TEXT NOT NULL,
    recorded_by          TEXT NOT NULL,
    recorded_at          BIGINT NOT NULL
);
CREATE INDEX external_results_patient ON external_results (patient_id, item, issued_at);

-- recognitions: what the ordering doctor decided about an offered result. `reused`: no order,
-- no charge, the item's price in fen avoided; `retest`: the order placed (`order_id`) with the
-- reason (and sealed free-text detail) told to the patient. Written in the ordering
-- transaction.
CREATE TABLE recognitions (
    id            TEXT PRIMARY KEY,
    encounter_id  TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    department_id TEXT NOT NULL,
    item          TEXT NOT NULL,
    decision      TEXT NOT NULL,
    source_kind   TEXT NOT NULL,
    source_id     TEXT NOT NULL,
    reason        TEXT,
    detail        TEXT,
    order_id      TEXT,
    avoided_fen   BIGINT NOT NULL,
    decided_by    TEXT NOT NULL,
    decided_at    BIGINT NOT NULL
);
CREATE INDEX recognitions_by_encounter ON recognitions (encounter_id);
CREATE INDEX recognitions_by_time ON recognitions (decided_at, decision);
