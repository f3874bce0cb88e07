-- Foundation schema. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Times are BIGINT microseconds since the Unix epoch (UTC); ids are TEXT.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    practitioner_id TEXT,
    disabled        BIGINT NOT NULL DEFAULT 0,
    failed_logins   BIGINT NOT NULL DEFAULT 0,
    locked_until    BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

-- Which Patient records an account may act for: its own ('self') and, later, family members.
CREATE TABLE account_patients (
    user_id      TEXT NOT NULL REFERENCES users (id),
    patient_id   TEXT NOT NULL,
    relationship TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, patient_id)
);
CREATE INDEX account_patients_by_patient ON account_patients (patient_id);

-- Current version of every FHIR resource. `content` is the JSON without meta.versionId and
-- meta.lastUpdated (those come from the columns), encrypted for sensitive resource types.
CREATE TABLE resources (
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    version_id    BIGINT NOT NULL,
    last_updated  BIGINT NOT NULL,
    content       TEXT NOT NULL,
    PRIMARY KEY (resource_type, id)
);
CREATE INDEX resources_by_updated ON resources (resource_type, last_updated);

CREATE TABLE resource_history (
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    version_id    BIGINT NOT NULL,
    last_updated  BIGINT NOT NULL,
    content       TEXT NOT NULL,
    PRIMARY KEY (resource_type, id, version_id)
);

-- Search index: one row per (resource, parameter, value). Sensitive values are blind-indexed
-- (keyed HMAC), names are lower-cased for case-insensitive prefix search.
CREATE TABLE search_tokens (
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    param         TEXT NOT NULL,
    value         TEXT NOT NULL
);
CREATE INDEX search_tokens_lookup ON search_tokens (resource_type, param, value);
CREATE INDEX search_tokens_owner ON search_tokens (resource_type, id);

-- Identifiers that must be unique per resource type (one patient per identity document).
CREATE TABLE unique_identifiers (
    resource_type TEXT NOT NULL,
    system        TEXT NOT NULL,
    value_hash    TEXT NOT NULL,
    id            TEXT NOT NULL,
    PRIMARY KEY (resource_type, system, value_hash)
);
CREATE INDEX unique_identifiers_owner ON unique_identifiers (resource_type, id);

-- Append-only, hash-chained audit trail. `audit_head` is the single row every append locks
-- first (an UPDATE), which serialises appends across processes on both databases.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    recorded_at BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    resource    TEXT NOT NULL,
    source_ip   TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (recorded_at);
