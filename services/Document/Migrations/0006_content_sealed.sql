-- The documents list residents by name and ID number (花名册, 到账明细, the write-back file with full ID numbers): their
-- content is stored sealed (SM4-GCM, docs/security.md). Documents from before are sealed in place by the service's first
-- start, which empties `content`.
ALTER TABLE documents ADD COLUMN content_sealed bytea;
ALTER TABLE documents ALTER COLUMN content DROP NOT NULL;
ALTER TABLE documents ALTER COLUMN content_sealed SET STORAGE EXTERNAL;
