-- A run's amount as it stands (its members' subsidies with upheld objections' adjustments), kept with the run so that
-- roll-ups and payment notices read one row per village instead of adding up every member each time.
ALTER TABLE calculation_runs ADD COLUMN amount numeric(14,2);
UPDATE calculation_runs r SET amount = coalesce((SELECT sum(coalesce(m.adjusted_subsidy, m.subsidy)) FROM member_results m WHERE m.run_id = r.id), 0);
ALTER TABLE calculation_runs ALTER COLUMN amount SET NOT NULL;
