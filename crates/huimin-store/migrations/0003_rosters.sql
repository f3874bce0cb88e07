-- Weekly roster templates (排班模板), turned into dated clinic sessions by the generator.

CREATE TABLE roster_templates (
    id                   TEXT PRIMARY KEY,
    practitioner_role_id TEXT NOT NULL,
    weekday              BIGINT NOT NULL,   -- 1 Monday … 7 Sunday
    period               TEXT NOT NULL,
    start_time           TEXT NOT NULL,     -- HH:MM, hospital-local
    end_time             TEXT NOT NULL,
    capacity             BIGINT NOT NULL,
    slot_minutes         BIGINT NOT NULL,
    active               BIGINT NOT NULL,
    created_at           BIGINT NOT NULL
);
CREATE INDEX roster_templates_by_role ON roster_templates (practitioner_role_id);

-- One session per doctor's post, day and period: generating twice never duplicates.
CREATE UNIQUE INDEX clinic_sessions_one_per_role_period
    ON clinic_sessions (practitioner_role_id, session_date, period);
