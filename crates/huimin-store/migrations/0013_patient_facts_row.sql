-- What a booking needs to know of its patient, kept in the patient's booking-lock row.
--
-- Every booking locks that row first (on PostgreSQL it is upserted, `booking.rs`,
-- `group.rs`), so the facts the rules check come back with the lock instead of three index
-- lookups per patient (the Patient, its identity documents, its birth date: about a fifth of
-- a PostgreSQL booking group's database time). They are written with the Patient, in its
-- transaction, whenever it is created or replaced (`resources.rs`), so they are never staler
-- than it:
-- - `verified`: 1 when the Patient holds a validated identity document (real-name booking),
--   0 when not, NULL when no Patient of this id exists (a row a booking for an unknown id
--   left behind);
-- - `birth_date`: `YYYY-MM-DD`, or NULL when unknown (the elderly pool).
ALTER TABLE patient_booking_locks ADD COLUMN verified BIGINT;
ALTER TABLE patient_booking_locks ADD COLUMN birth_date TEXT;

-- The Patients stored before this migration, from their index rows.
INSERT INTO patient_booking_locks (patient_id, version, verified, birth_date)
SELECT r.id, 1,
       CASE WHEN EXISTS (SELECT 1 FROM unique_identifiers u
                         WHERE u.resource_type = 'Patient' AND u.id = r.id) THEN 1 ELSE 0 END,
       (SELECT MIN(t.value) FROM search_tokens t
         WHERE t.resource_type = 'Patient' AND t.id = r.id AND t.param = 'birthdate')
FROM resources r
WHERE r.resource_type = 'Patient'
ON CONFLICT (patient_id) DO UPDATE
    SET verified = excluded.verified, birth_date = excluded.birth_date;
