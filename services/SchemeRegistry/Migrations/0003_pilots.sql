-- Pilot participation per village (docs/design/02-schemes.md): apply → county approves → active → suspended → apply again.
CREATE TABLE pilots (
    village_code      text          PRIMARY KEY REFERENCES divisions (code),
    status            text          NOT NULL,
    last_year_income  numeric(14,2) NOT NULL,
    operating_income  numeric(14,2) NOT NULL,
    planned_subsidy   numeric(14,2) NOT NULL,
    effective_date    date,
    reason            text,
    version           bigint        NOT NULL DEFAULT 1,
    changed_at        timestamptz   NOT NULL DEFAULT now(),
    changed_by        text          NOT NULL
);
