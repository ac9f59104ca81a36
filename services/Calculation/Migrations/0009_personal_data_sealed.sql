-- Residents' names and ID numbers are stored sealed (SM4-GCM, docs/security.md). Rosters and contribution chunks are
-- sealed whole; a member's result holds name and ID number sealed together (`person`); equality on an ID number (a
-- member in two villages, lump-sum payers, a resident's statement, an objection's member) uses its blind index
-- (`id_index`, HMAC-SM3), never the number. Rows from before are sealed in place by the service's first start, which
-- empties the plain columns.
ALTER TABLE rosters ADD COLUMN members_sealed bytea;
ALTER TABLE rosters ALTER COLUMN members DROP NOT NULL;
ALTER TABLE rosters ALTER COLUMN members_sealed SET STORAGE EXTERNAL;

ALTER TABLE contribution_chunks ADD COLUMN records_sealed bytea;
ALTER TABLE contribution_chunks ALTER COLUMN records DROP NOT NULL;
ALTER TABLE contribution_chunks ALTER COLUMN records_sealed SET STORAGE EXTERNAL;

ALTER TABLE roster_members ADD COLUMN id_index bytea;
ALTER TABLE roster_members DROP CONSTRAINT roster_members_pkey;
ALTER TABLE roster_members ALTER COLUMN id_number DROP NOT NULL;
CREATE UNIQUE INDEX roster_members_person ON roster_members (year, id_index, village_code);

ALTER TABLE lump_sum_payments ADD COLUMN id_index bytea;
ALTER TABLE lump_sum_payments DROP CONSTRAINT lump_sum_payments_pkey;
ALTER TABLE lump_sum_payments ALTER COLUMN id_number DROP NOT NULL;
DROP INDEX lump_sum_payments_person;
CREATE UNIQUE INDEX lump_sum_payments_batch_person ON lump_sum_payments (batch_id, village_code, id_index);
CREATE INDEX lump_sum_payments_person ON lump_sum_payments (id_index);

ALTER TABLE member_results ADD COLUMN person bytea, ADD COLUMN id_index bytea;
ALTER TABLE member_results DROP CONSTRAINT member_results_pkey;
ALTER TABLE member_results ALTER COLUMN id_number DROP NOT NULL, ALTER COLUMN name DROP NOT NULL;
CREATE UNIQUE INDEX member_results_run_person ON member_results (run_id, id_index);
CREATE INDEX member_results_person ON member_results (id_index);

ALTER TABLE objections ADD COLUMN id_sealed bytea, ADD COLUMN id_index bytea;
ALTER TABLE objections ALTER COLUMN id_number DROP NOT NULL;
