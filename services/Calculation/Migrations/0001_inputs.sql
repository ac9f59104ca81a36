-- The calculation's own copies of its inputs, kept from other services' events (docs/architecture.md).
CREATE TABLE policy_years (
    region_code            text            NOT NULL,
    year                   int             NOT NULL,
    tiers                  numeric(12,2)[] NOT NULL,
    special_tier           numeric(12,2)   NOT NULL,
    contribution_deadline  date            NOT NULL,
    notice_days            int             NOT NULL,
    version                bigint          NOT NULL,
    PRIMARY KEY (region_code, year)
);

CREATE TABLE schemes_in_force (
    village_code      text          NOT NULL,
    year              int           NOT NULL,
    scheme_id         uuid          NOT NULL,
    terms             jsonb         NOT NULL,
    version           bigint        NOT NULL,
    PRIMARY KEY (village_code, year)
);

CREATE TABLE pilot_status (
    village_code    text    PRIMARY KEY,
    status          text    NOT NULL,
    effective_date  date    NOT NULL,
    version         bigint  NOT NULL
);

CREATE TABLE rosters (
    village_code  text   NOT NULL,
    year          int    NOT NULL,
    batch_id      uuid   NOT NULL,
    members       jsonb  NOT NULL,
    PRIMARY KEY (village_code, year)
);

-- The latest accepted contribution batch for each village-year, and its chunks as they arrive.
CREATE TABLE village_batches (
    village_code  text  NOT NULL,
    year          int   NOT NULL,
    batch_id      uuid  NOT NULL,
    chunk_count   int   NOT NULL,
    accepted_at   timestamptz NOT NULL,
    PRIMARY KEY (village_code, year)
);
CREATE TABLE contribution_chunks (
    batch_id      uuid  NOT NULL,
    village_code  text  NOT NULL,
    chunk_index   int   NOT NULL,
    records       jsonb NOT NULL,
    PRIMARY KEY (batch_id, village_code, chunk_index)
);

-- Village-years whose inputs changed and that wait to be calculated; any instance may take one.
CREATE TABLE pending_village_years (
    village_code  text        NOT NULL,
    year          int         NOT NULL,
    since         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (village_code, year)
);

-- Each run: what went in (fingerprint), what came out, how long it took.
CREATE TABLE calculation_runs (
    id            uuid          PRIMARY KEY,
    village_code  text          NOT NULL,
    year          int           NOT NULL,
    fingerprint   text          NOT NULL,
    members       int           NOT NULL,
    eligible      int           NOT NULL,
    total         numeric(14,2) NOT NULL,
    duration_ms   int           NOT NULL,
    created_at    timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX calculation_runs_village_year ON calculation_runs (village_code, year, created_at);

CREATE TABLE member_results (
    run_id          uuid          NOT NULL REFERENCES calculation_runs (id),
    id_number       text          NOT NULL,
    name            text          NOT NULL,
    exclusion       text,
    own             numeric(12,2) NOT NULL,
    tier            numeric(12,2),
    special_group   text,
    floor           numeric(12,2) NOT NULL,
    incentive       numeric(12,2) NOT NULL,
    floor_part      numeric(12,2) NOT NULL,
    incentive_part  numeric(12,2) NOT NULL,
    subsidy         numeric(12,2) NOT NULL,
    flags           text          NOT NULL,
    PRIMARY KEY (run_id, id_number)
);

CREATE TABLE village_years (
    village_code  text  NOT NULL,
    year          int   NOT NULL,
    state         text  NOT NULL,
    run_id        uuid  REFERENCES calculation_runs (id),
    stale         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (village_code, year)
);
