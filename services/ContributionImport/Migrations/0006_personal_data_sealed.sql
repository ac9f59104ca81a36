-- Residents' names and ID numbers are stored sealed (SM4-GCM, docs/security.md): `person` holds name and ID number
-- sealed together, `id_index` the ID number's blind index (HMAC-SM3) for equality, and the uploaded files and the
-- rejected values are sealed too. Rows from before are sealed in place by the service's first start, which empties the
-- plain columns; they are kept, empty, so that a crash half-way leaves nothing unreadable.
ALTER TABLE contribution_rows ADD COLUMN person bytea, ADD COLUMN id_index bytea;
ALTER TABLE contribution_rows ALTER COLUMN name DROP NOT NULL, ALTER COLUMN id_number DROP NOT NULL;

ALTER TABLE roster_members ADD COLUMN person bytea, ADD COLUMN id_index bytea;
ALTER TABLE roster_members DROP CONSTRAINT roster_members_pkey;
ALTER TABLE roster_members ALTER COLUMN name DROP NOT NULL, ALTER COLUMN id_number DROP NOT NULL;
CREATE UNIQUE INDEX roster_members_person ON roster_members (batch_id, id_index);

ALTER TABLE import_errors ADD COLUMN value_sealed bytea;

ALTER TABLE upload_chunks ADD COLUMN data_sealed bytea;
ALTER TABLE upload_chunks ALTER COLUMN data DROP NOT NULL;
ALTER TABLE upload_chunks ALTER COLUMN data_sealed SET STORAGE EXTERNAL;
