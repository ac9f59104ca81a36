-- What a run was measured against, so an objection's adjustment is checked against the same cap and budget.
ALTER TABLE calculation_runs ADD COLUMN budget numeric(14,2) NOT NULL DEFAULT 0;
ALTER TABLE calculation_runs ADD COLUMN cap numeric(12,2) NOT NULL DEFAULT 0;
ALTER TABLE calculation_runs ADD COLUMN organisation_name text;
ALTER TABLE calculation_runs ADD COLUMN credit_code text;

-- An upheld objection replaces the member's subsidy; the calculated amount stays beside it.
ALTER TABLE member_results ADD COLUMN adjusted_subsidy numeric(12,2);
ALTER TABLE member_results ADD COLUMN objection_id uuid;

-- The state a village-year was in when its village's pilot was suspended, to return to on resumption.
ALTER TABLE village_years ADD COLUMN suspended_from text;
ALTER TABLE village_years ADD COLUMN rejection_reason text;

-- 异议: filed during the notice against one member's result, then upheld or dismissed.
CREATE TABLE objections (
    id              uuid          PRIMARY KEY,
    village_code    text          NOT NULL,
    year            int           NOT NULL,
    run_id          uuid          NOT NULL REFERENCES calculation_runs (id),
    id_number       text          NOT NULL,
    complaint       text          NOT NULL,
    filed_by        text          NOT NULL,
    filed_at        timestamptz   NOT NULL DEFAULT now(),
    filed_on        date          NOT NULL,
    state           text          NOT NULL CHECK (state IN ('open', 'upheld', 'dismissed', 'void')),
    adjusted_amount numeric(12,2),
    resolution      text,
    resolved_by     text,
    resolved_at     timestamptz
);
CREATE INDEX objections_village_year ON objections (village_code, year);

-- 缴费通知单, numbered per county and year without gaps (the counter row is locked while a number is taken).
CREATE TABLE payment_notice_counters (
    county_code  text  NOT NULL,
    year         int   NOT NULL,
    last_number  int   NOT NULL,
    PRIMARY KEY (county_code, year)
);
CREATE TABLE payment_notices (
    number          text          PRIMARY KEY,
    village_code    text          NOT NULL,
    year            int           NOT NULL,
    county_code     text          NOT NULL,
    run_id          uuid          NOT NULL REFERENCES calculation_runs (id),
    payer           text          NOT NULL,
    credit_code     text,
    amount          numeric(14,2) NOT NULL CHECK (amount > 0),
    issued_on       date          NOT NULL,
    due_on          date          NOT NULL,
    receipt_number  text,
    paid_amount     numeric(14,2),
    paid_at         timestamptz,
    credited_on     date
);
CREATE UNIQUE INDEX payment_notices_village_year ON payment_notices (village_code, year);

-- Who is in which village's roster for a year, so DUPLICATE_MEMBERSHIP is one index lookup, not a scan of every roster.
CREATE TABLE roster_members (
    year          int   NOT NULL,
    id_number     text  NOT NULL,
    village_code  text  NOT NULL,
    PRIMARY KEY (year, id_number, village_code)
);
INSERT INTO roster_members (year, id_number, village_code)
SELECT DISTINCT r.year, m->>'idNumber', r.village_code FROM rosters r, jsonb_array_elements(r.members) m;
