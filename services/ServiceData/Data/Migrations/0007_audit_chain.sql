-- Tamper-evident audit (docs/security): each entry, once sealed, carries the SM3 hash of its content and of the entry
-- sealed before it. Entries are sealed in the order they become visible (seal_seq), a few seconds after they commit.
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS seal_seq bigint UNIQUE;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS prev_hash text;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS hash text;
CREATE INDEX IF NOT EXISTS audit_log_unsealed ON audit_log (id) WHERE seal_seq IS NULL;
