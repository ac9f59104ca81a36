-- Personal data at rest (docs/security.md): this database's SM4 data keys and its blind-index key, each wrapped
-- (SM4-GCM) by the key-encryption key, which lives outside the database. A value sealed under a data key names the
-- key's id in its first bytes, so keys that are no longer active still open what they sealed until the background
-- re-encryption has moved every value to the active one; then the key is retired.
CREATE TABLE IF NOT EXISTS data_keys (
    id          int         PRIMARY KEY,
    purpose     text        NOT NULL CHECK (purpose IN ('data', 'index')),
    wrapped     bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    active      boolean     NOT NULL DEFAULT false,
    retired_at  timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS data_keys_one_active ON data_keys (purpose) WHERE active;

-- Events and dead letters carry members' lines: their bodies are sealed. Rows from before are sealed in place at the
-- first start (the body emptied), so the plain columns may be empty.
ALTER TABLE outbox_messages ADD COLUMN IF NOT EXISTS body_sealed bytea;
ALTER TABLE outbox_messages ALTER COLUMN body DROP NOT NULL;
ALTER TABLE outbox_messages ALTER COLUMN body_sealed SET STORAGE EXTERNAL;
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS body_sealed bytea;
ALTER TABLE dead_letters ALTER COLUMN body DROP NOT NULL;
