-- Chunks are only ever stored and read back whole: plain json keeps the text as sent, without jsonb's parse on
-- the way in and its re-serialisation on the way out (some 300 MB for a city-sized year).
ALTER TABLE contribution_chunks ALTER COLUMN records TYPE json USING records::json;
