-- The plain columns each service has sealed in place (docs/security.md): a start finds them here and does not scan
-- their tables again. Every instance runs the sealing code once this is written, so no plain value comes after it.
CREATE TABLE IF NOT EXISTS sealed_in_place (
    table_name   text        NOT NULL,
    column_name  text        NOT NULL,
    sealed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (table_name, column_name)
);
