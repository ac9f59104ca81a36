-- A village-year's steps are ordered by the sequence the calculation gives them, not by their business instant: the
-- business day may be set for a step (in tests, X-Business-Date), and a later step can then carry an earlier instant.
ALTER TABLE village_years ADD COLUMN step_sequence bigint NOT NULL DEFAULT 0;
