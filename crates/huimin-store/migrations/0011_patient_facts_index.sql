-- Indexes that let a booking group read from indexes alone.
--
-- A booking reads its patient's birth date from the search index (`holder.rs`): the owner
-- index now covers the parameter and value, so that read touches only the index, not every
-- search row of the patient. Deleting a resource's rows still uses its (resource_type, id)
-- prefix.
DROP INDEX search_tokens_owner;
CREATE INDEX search_tokens_owner ON search_tokens (resource_type, id, param, value);
-- A group reads each slot's queue numbers in use and its earliest pending hold: covered, they
-- are read without visiting the appointment rows.
DROP INDEX appointments_by_slot;
CREATE INDEX appointments_by_slot ON appointments (slot_id, status, queue_number, hold_expires_at);
