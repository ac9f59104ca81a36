-- Supersession (docs/design/03-import.md): a newer accepted batch replaces the older for every village of its scope, listed or not.
-- A village's contributions for a year are those of the latest accepted batch whose scope covers it (none when that
-- batch does not list it); each batch's chunk count per listed village is kept beside it.
CREATE TABLE contribution_batches (
    batch_id     uuid        PRIMARY KEY,
    scope_code   text        NOT NULL,
    year         int         NOT NULL,
    accepted_at  timestamptz NOT NULL
);
CREATE INDEX contribution_batches_year_scope ON contribution_batches (year, scope_code);

CREATE TABLE batch_villages (
    batch_id      uuid  NOT NULL,
    village_code  text  NOT NULL,
    chunk_count   int   NOT NULL,
    PRIMARY KEY (batch_id, village_code)
);

-- Batches known before kept only their villages: a batch whose villages all lie in one township was a township's.
INSERT INTO contribution_batches (batch_id, scope_code, year, accepted_at)
SELECT batch_id,
       CASE WHEN count(DISTINCT left(village_code, 9)) = 1 THEN min(left(village_code, 9)) ELSE min(left(village_code, 6)) END,
       min(year), max(accepted_at)
FROM village_batches GROUP BY batch_id;
INSERT INTO batch_villages (batch_id, village_code, chunk_count) SELECT batch_id, village_code, chunk_count FROM village_batches;
DROP TABLE village_batches;

-- 一次性补缴 excludes a person whatever year it paid for and whichever export carried it (docs/design/04-calculation.md rule 3):
-- who made one, by batch, so a later year's calculation finds them with one index lookup.
CREATE TABLE lump_sum_payments (
    batch_id      uuid  NOT NULL,
    village_code  text  NOT NULL,
    year          int   NOT NULL,
    id_number     text  NOT NULL,
    PRIMARY KEY (batch_id, village_code, id_number)
);
CREATE INDEX lump_sum_payments_person ON lump_sum_payments (id_number);
INSERT INTO lump_sum_payments (batch_id, village_code, year, id_number)
SELECT DISTINCT c.batch_id, c.village_code, b.year, r ->> 2
FROM contribution_chunks c JOIN contribution_batches b ON b.batch_id = c.batch_id, json_array_elements(c.records) r
WHERE (r ->> 6)::int = 90;

-- The cap travels with the policy year (PolicyYearChanged.Cap): kept, not derived again.
ALTER TABLE policy_years ADD COLUMN cap numeric(12,2);
UPDATE policy_years SET cap = (SELECT max(t) FROM unnest(tiers) t);
ALTER TABLE policy_years ALTER COLUMN cap SET NOT NULL;

-- What a run used (docs/design/04-calculation.md: a run names its batches, roster, scheme version and policy year).
ALTER TABLE calculation_runs ADD COLUMN batch_id uuid;
ALTER TABLE calculation_runs ADD COLUMN lump_sum_batches uuid[] NOT NULL DEFAULT '{}';
ALTER TABLE calculation_runs ADD COLUMN roster_batch_id uuid;
ALTER TABLE calculation_runs ADD COLUMN scheme_id uuid;
ALTER TABLE calculation_runs ADD COLUMN scheme_version bigint;
ALTER TABLE calculation_runs ADD COLUMN policy_region text;
ALTER TABLE calculation_runs ADD COLUMN policy_version bigint;

-- One spelling of the codes (docs/design/04-calculation.md): reasons and flags as that page writes them, flags as a list, groups as the
-- scheme API writes them.
UPDATE member_results SET exclusion = CASE exclusion
    WHEN 'NoContribution' THEN 'NO_CONTRIBUTION'
    WHEN 'PaidAfterDeadline' THEN 'PAID_AFTER_DEADLINE'
    WHEN 'LumpSumBackPayment' THEN 'LUMP_SUM_BACK_PAYMENT'
    WHEN 'ReceivingBenefits' THEN 'RECEIVING_BENEFITS'
    WHEN 'DuplicateMembership' THEN 'DUPLICATE_MEMBERSHIP'
    ELSE exclusion END
WHERE exclusion IS NOT NULL;
UPDATE member_results SET special_group = CASE special_group
    WHEN 'Dibao' THEN 'dibao'
    WHEN 'Tekun' THEN 'tekun'
    WHEN 'SevereDisability' THEN 'severe-disability'
    WHEN 'Wubao' THEN 'wubao'
    WHEN 'PovertyMonitoring' THEN 'poverty-monitoring'
    ELSE special_group END
WHERE special_group IS NOT NULL;
ALTER TABLE member_results ADD COLUMN flag_codes text[] NOT NULL DEFAULT '{}';
UPDATE member_results SET flag_codes = (
    SELECT coalesce(array_agg(CASE trim(f)
        WHEN 'TierMismatch' THEN 'TIER_MISMATCH'
        WHEN 'Capped' THEN 'CAPPED'
        WHEN 'BelowSchemeThreshold' THEN 'BELOW_SCHEME_THRESHOLD'
        WHEN 'BudgetProrated' THEN 'BUDGET_PRORATED' END ORDER BY n), '{}')
    FROM unnest(string_to_array(flags, ',')) WITH ORDINALITY AS u(f, n) WHERE trim(f) <> 'None')
WHERE flags <> 'None';
ALTER TABLE member_results DROP COLUMN flags;
ALTER TABLE member_results RENAME COLUMN flag_codes TO flags;
ALTER TABLE member_results ALTER COLUMN flags DROP DEFAULT;
