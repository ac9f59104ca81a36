-- Step events carry member lines: LZ4 compresses an outbox body several times faster than the default pglz.
-- Servers built without LZ4 keep pglz.
DO $$
BEGIN
    ALTER TABLE outbox_messages ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'LZ4 not available: outbox bodies stay compressed with pglz';
END $$;
