-- Uploaded files and their processing (docs/design/03-import.md).
CREATE TABLE import_batches (
    id            uuid        PRIMARY KEY,
    kind          text        NOT NULL,
    scope_code    text        NOT NULL,
    year          int         NOT NULL,
    sha256        text,
    file_name     text        NOT NULL,
    file_size     bigint      NOT NULL DEFAULT 0,
    state         text        NOT NULL,
    rows_read     bigint      NOT NULL DEFAULT 0,
    rows_accepted bigint      NOT NULL DEFAULT 0,
    error_count   int         NOT NULL DEFAULT 0,
    failure       text,
    uploaded_by   text        NOT NULL,
    uploaded_at   timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    superseded_by uuid,
    published_at  timestamptz
);
-- The same file for the same scope and year is the same batch.
CREATE UNIQUE INDEX import_batches_same_file ON import_batches (kind, scope_code, year, sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX import_batches_pending ON import_batches (uploaded_at) WHERE state IN ('received', 'processing');

-- The uploaded bytes, in 1 MiB pieces, so any instance can process any batch.
CREATE TABLE upload_chunks (
    batch_id  uuid  NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
    seq       int   NOT NULL,
    data      bytea NOT NULL,
    PRIMARY KEY (batch_id, seq)
);

-- Accepted contribution records; a rejected or unfinished batch leaves none.
CREATE TABLE contribution_rows (
    batch_id          uuid          NOT NULL,
    row_no            int           NOT NULL,
    name              text          NOT NULL,
    id_number         text          NOT NULL,
    village_code      text          NOT NULL,
    year              smallint      NOT NULL,
    item              smallint      NOT NULL,
    pay_type          smallint      NOT NULL,
    tier              numeric(12,2),
    amount            numeric(12,2) NOT NULL,
    paid_on           date          NOT NULL,
    identity          text,
    special_group     smallint,
    receiving_benefits boolean      NOT NULL
);
CREATE INDEX contribution_rows_batch_village ON contribution_rows (batch_id, village_code);

-- Every error of a rejected file: row, column, value, reason.
CREATE TABLE import_errors (
    batch_id  uuid  NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
    row_no    int   NOT NULL,
    column_name text NOT NULL,
    value     text,
    reason    text  NOT NULL
);
CREATE INDEX import_errors_batch ON import_errors (batch_id, row_no);

-- Villages whose accepted rows have been sent to the calculation (per-village chunks).
CREATE TABLE published_villages (
    batch_id     uuid NOT NULL,
    village_code text NOT NULL,
    PRIMARY KEY (batch_id, village_code)
);

-- This service's copy of the policy years (tiers), from scheme-registry's PolicyYearChanged events.
CREATE TABLE known_policy_years (
    region_code  text          NOT NULL,
    year         int           NOT NULL,
    tiers        numeric(12,2)[] NOT NULL,
    special_tier numeric(12,2) NOT NULL,
    version      bigint        NOT NULL,
    PRIMARY KEY (region_code, year)
);
