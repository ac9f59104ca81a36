-- 公示: the notice period of a village-year (end = start + notice days − 1).
ALTER TABLE village_years ADD COLUMN notice_start date;
ALTER TABLE village_years ADD COLUMN notice_end date;
