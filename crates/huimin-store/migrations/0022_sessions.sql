-- Sign-in sessions (grants): one row per token-issuing grant of an account. A bearer token
-- names its row (`sid`), and a token is accepted only while its row is open, so ending a row
-- revokes the token on every server. `kind` and `client_id` say who holds the grant: the
-- first-party sign-in (`password`, client `huimin`) today, a third-party app's
-- authorization-code grant later; ending one row never ends another.
-- The client address is kept only as a keyed hash (HMAC under the data key), and the user
-- agent only as its family ("Chrome on Android").
CREATE TABLE account_sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    scope        TEXT NOT NULL,
    client_kind  TEXT NOT NULL,
    address_hash TEXT NOT NULL,
    user_agent   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ended_at     BIGINT,
    ended_reason TEXT
);
CREATE INDEX account_sessions_user ON account_sessions (user_id, ended_at);

-- Login and registration throttling, shared by every server on the database: one row per
-- key (`account:<keyed hash of the user name>`, `address:<keyed hash of the address>`,
-- `register:<keyed hash of the address>`), counting failures since the last quiet spell and
-- the time before which the key is refused.
CREATE TABLE login_throttle (
    key           TEXT PRIMARY KEY,
    failures      BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
