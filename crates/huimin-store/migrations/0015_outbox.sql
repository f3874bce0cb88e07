-- The outbox (docs/design/messages.md): an event is written in the transaction of the change
-- it reports, with one delivery row per channel; workers deliver them at least once, with
-- retries and back-off, several processes sharing the rows by lease. The in-app channel
-- delivers into `notifications` under the event's id, so a repeat is dropped there.
CREATE TABLE outbox_events (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    reference  TEXT NOT NULL,
    params     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_events_by_reference ON outbox_events (reference, kind);

CREATE TABLE outbox_deliveries (
    event_id     TEXT NOT NULL,
    channel      TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempts     BIGINT NOT NULL,
    due_at       BIGINT NOT NULL,
    leased_until BIGINT,
    last_error   TEXT,
    delivered_at BIGINT,
    PRIMARY KEY (event_id, channel)
);
CREATE INDEX outbox_deliveries_due ON outbox_deliveries (status, due_at);
