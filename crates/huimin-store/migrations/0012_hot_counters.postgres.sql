-- Room in the pages of the rows a booking rush updates over and over, so that PostgreSQL can
-- update them in place (a "HOT" update: no new entry in any of the table's indexes).
--
-- Every booking group adds to its slots' counters (`booked`, `held`) and its sessions' pool
-- counters (`used`); every booking of a patient bumps their lock row's `version`. None of
-- these columns is indexed, so an update can stay on its page when the page has room; at the
-- default fill factor of 100 a new table's pages have none, and each update wrote a new
-- entry into all five of `slots`' indexes. Measured in a flash crowd of 2,000 places: about
-- a quarter less database CPU per booking (docs/benchmarks.md, session 13).
--
-- Pages written from now on keep the room; existing pages gain it when rewritten
-- (`VACUUM FULL` or `CLUSTER`, at a quiet hour).
ALTER TABLE slots SET (fillfactor = 50);
ALTER TABLE session_pools SET (fillfactor = 50);
ALTER TABLE patient_booking_locks SET (fillfactor = 80);
