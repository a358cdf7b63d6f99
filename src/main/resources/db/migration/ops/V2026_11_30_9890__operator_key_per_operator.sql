-- An operator's Idempotency-Key is that operator's own, as a client's key is scoped to its client
-- elsewhere in the API. Unique by (action, key) alone, a second operator who happened to choose the
-- same key for the same grant to the same user was answered "repeated" with the first operator's
-- record, and their grant was silently not made.
alter table operator_action drop constraint operator_action_action_idempotency_key_key;
alter table operator_action add constraint operator_action_key_per_actor unique (actor, action, idempotency_key);
