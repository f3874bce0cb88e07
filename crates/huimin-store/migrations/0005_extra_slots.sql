-- Extra places (加号) added by a doctor are slots of their own, flagged, so they are counted.
ALTER TABLE slots ADD COLUMN extra BIGINT NOT NULL DEFAULT 0;
