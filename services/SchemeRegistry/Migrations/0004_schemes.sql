-- 补助方案: one per village per year ("一村一策"), with its approval chain (docs/design/02-schemes.md).
CREATE TABLE schemes (
    id                 uuid        PRIMARY KEY,
    village_code       text        NOT NULL REFERENCES divisions (code),
    year               int         NOT NULL,
    state              smallint    NOT NULL,
    terms              jsonb       NOT NULL,
    budget             numeric(14,2) NOT NULL,
    rejection_reason   text,
    carried_over_from  uuid        REFERENCES schemes (id),
    version            bigint      NOT NULL DEFAULT 1,
    created_by         text        NOT NULL,
    changed_at         timestamptz NOT NULL DEFAULT now(),
    changed_by         text        NOT NULL
);
-- Lapsed schemes stay for the record; at most one other per village-year.
CREATE UNIQUE INDEX schemes_one_per_village_year ON schemes (village_code, year) WHERE state <> 7;
CREATE INDEX schemes_year_state ON schemes (year, state);
