-- The patient's sex beside their other booking facts (`0013_patient_facts_row.sql`), for the
-- departments that see one sex only (妇科, 产科): `female`, `male`, or NULL when the record
-- has none or another FHIR gender (`other`, `unknown`), which the limits treat as unknown.
ALTER TABLE patient_booking_locks ADD COLUMN sex TEXT;

-- The Patients stored before this migration, from their `gender` index rows.
UPDATE patient_booking_locks
SET sex = (SELECT MIN(t.value) FROM search_tokens t
           WHERE t.resource_type = 'Patient' AND t.id = patient_booking_locks.patient_id
             AND t.param = 'gender' AND t.value IN ('female', 'male'))
WHERE verified IS NOT NULL;
