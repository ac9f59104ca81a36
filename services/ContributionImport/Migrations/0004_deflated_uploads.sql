-- Pieces uploaded from now on are stored deflated by the service; those stored before stay as they came.
ALTER TABLE upload_chunks ADD COLUMN deflated boolean NOT NULL DEFAULT false;
