-- Uploaded bytes are stored as they come: trying to compress each 1 MiB piece costs more than it saves.
ALTER TABLE upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- A 64-bit fingerprint of the fields that make two rows the same record, so the duplicate check groups one
-- column instead of six; rows sharing a fingerprint are then compared field by field.
ALTER TABLE contribution_rows ADD COLUMN duplicate_key bigint NOT NULL DEFAULT 0;
