-- Contribution records travel and are kept as positional arrays (Subsidy.Contracts.ContributionRecordJson) instead
-- of objects with property names: chunks stored before are rewritten in the same shape.
UPDATE contribution_chunks c SET records = (
    SELECT coalesce(json_agg(json_build_array(r -> 'rowNumber', r -> 'name', r -> 'idNumber', r -> 'villageCode', r -> 'year', r -> 'item',
               r -> 'type', r -> 'tier', r -> 'amount', r -> 'paidOn', r -> 'identity', r -> 'specialGroup', r -> 'receivingBenefits') ORDER BY e.n), '[]'::json)
    FROM json_array_elements(c.records) WITH ORDINALITY AS e(r, n))
WHERE json_typeof(c.records -> 0) = 'object';

-- A city's chunks are some 100 MB of JSON written once and read back at every recalculation: LZ4 compresses them
-- several times faster than the default pglz and reads them back faster still. Servers built without LZ4 keep pglz.
DO $$
BEGIN
    ALTER TABLE contribution_chunks ALTER COLUMN records SET COMPRESSION lz4;
    ALTER TABLE rosters ALTER COLUMN members SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'LZ4 not available: contribution chunks stay compressed with pglz';
END $$;

-- A new roster replaces its village's members: found by village, not by scanning every village's members
-- (1,000 rosters of a city took 17 ms each to delete and 26 ms each to look up).
CREATE INDEX roster_members_village ON roster_members (village_code, year);

-- How many a run pays for as it stands (an upheld objection can change it), kept with the run like its amount:
-- every settlement step states it, and counting the members each time was an aggregate per step.
ALTER TABLE calculation_runs ADD COLUMN recipients int;
UPDATE calculation_runs r SET recipients = (SELECT count(*) FROM member_results m WHERE m.run_id = r.id AND coalesce(m.adjusted_subsidy, m.subsidy) > 0);
ALTER TABLE calculation_runs ALTER COLUMN recipients SET NOT NULL;
