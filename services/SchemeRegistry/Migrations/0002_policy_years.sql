-- 年度政策参数: a province default, or a county override, per year (docs/design/01-purpose-and-reference-data.md).
CREATE TABLE policy_years (
    region_code            text          NOT NULL CHECK (region_code ~ '^[0-9]{12}$'),
    year                   int           NOT NULL,
    tiers                  numeric(12,2)[] NOT NULL,
    special_tier           numeric(12,2) NOT NULL,
    contribution_deadline  date          NOT NULL,
    export_deadline        date          NOT NULL,
    notice_days            int           NOT NULL,
    version                bigint        NOT NULL DEFAULT 1,
    changed_at             timestamptz   NOT NULL DEFAULT now(),
    changed_by             text          NOT NULL,
    PRIMARY KEY (region_code, year)
);
