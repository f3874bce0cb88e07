-- Room in the pages of the rows a booking rush updates over and over, so that PostgreSQL can
-- update them in place (a "HOT" update: no new entry in any of the table's indexes).
--
-- SQLite has no fill factor: nothing to do here. PostgreSQL runs
-- `0012_hot_counters.postgres.sql` instead.
SELECT 1;
