-- What the import says of a batch beyond its counts: the closing total rows it recognised and skipped.
ALTER TABLE import_batches ADD COLUMN note text;
