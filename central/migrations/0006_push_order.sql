-- A till may keep two push batches in flight; the store applies them in the order the till sent them
-- (central/push_order.py): each batch names itself and the one before it, and push_mark is the last one
-- this till had applied.
ALTER TABLE till ADD COLUMN push_mark TEXT;
