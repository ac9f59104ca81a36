-- PDFs and workbooks are compressed already: trying to compress each one again in the table costs the database
-- more than it saves.
ALTER TABLE documents ALTER COLUMN content SET STORAGE EXTERNAL;
