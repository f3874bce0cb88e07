-- The keyed audit chain (docs/design/audit.md). `keyed_from`: the first record whose link is
-- an HMAC under the data key (NULL until a server with the key first opens the database: it
-- writes a marker record after the SHA-256 links already stored, or sets 1 on an empty chain).
-- `seal`: an HMAC binding `seq` to `hash`, so the tail cannot be cut off without the key.
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT;
ALTER TABLE audit_head ADD COLUMN seal TEXT;
