-- The division tree (docs/design/01-purpose-and-reference-data.md), maintained by county officers.
CREATE TABLE divisions (
    code         text        PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    level        smallint    NOT NULL,
    parent_code  text        REFERENCES divisions (code),
    active       boolean     NOT NULL DEFAULT true,
    version      bigint      NOT NULL DEFAULT 1,
    changed_at   timestamptz NOT NULL DEFAULT now(),
    changed_by   text        NOT NULL
);
CREATE INDEX divisions_parent ON divisions (parent_code);
