-- Screen tokens: device credentials an administrator issues to a waiting-area call screen,
-- good only for showing one department's screen (its check-in code). The token itself is
-- shown once; only its keyed hash is kept, so a copy of the database cannot be used as one.
CREATE TABLE screen_tokens (
    id            TEXT PRIMARY KEY,
    department_id TEXT NOT NULL,
    label         TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);
