-- `$find` walks slots in time order within a department or a doctor's post and stops after a
-- page, instead of sorting every matching slot: the two filters live on the slot row too.
ALTER TABLE slots ADD COLUMN department_id TEXT;
ALTER TABLE slots ADD COLUMN practitioner_role_id TEXT;
UPDATE slots SET
    department_id = (SELECT c.department_id FROM clinic_sessions c WHERE c.id = slots.session_id),
    practitioner_role_id = (SELECT c.practitioner_role_id FROM clinic_sessions c WHERE c.id = slots.session_id);
CREATE INDEX slots_by_department_time ON slots (department_id, starts_at);
CREATE INDEX slots_by_role_time ON slots (practitioner_role_id, starts_at);
CREATE INDEX slots_by_time ON slots (starts_at);
