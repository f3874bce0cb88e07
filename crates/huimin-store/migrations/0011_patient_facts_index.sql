-- A booking reads its patient's birth date from the search index (`holder.rs`): the owner
-- index now covers the parameter and value, so that read touches only the index, not every
-- search row of the patient. Deleting a resource's rows still uses its (resource_type, id)
-- prefix.
DROP INDEX search_tokens_owner;
CREATE INDEX search_tokens_owner ON search_tokens (resource_type, id, param, value);
