-- The relay claims rows with a lease instead of holding their row locks while the broker confirms: the claiming
-- transaction ends at once, and rows of a relay that died are taken again when their lease runs out.
ALTER TABLE outbox_messages ADD COLUMN IF NOT EXISTS claimed_until timestamptz;
