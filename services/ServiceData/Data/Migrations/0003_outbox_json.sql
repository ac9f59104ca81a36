-- The body is written once and read back as text by the relay: `json` keeps the text as given, where `jsonb`
-- parsed it into binary on every insert and printed it again on every read (step events carry member lines).
ALTER TABLE outbox_messages ALTER COLUMN body TYPE json USING body::json;
