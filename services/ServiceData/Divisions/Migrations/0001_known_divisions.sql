-- This service's copy of the division tree, kept from scheme-registry's DivisionChanged events.
CREATE TABLE IF NOT EXISTS known_divisions (
    code         text        PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
    name         text        NOT NULL,
    level        smallint    NOT NULL,
    parent_code  text,
    active       boolean     NOT NULL,
    version      bigint      NOT NULL,
    changed_at   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS known_divisions_parent ON known_divisions (parent_code);
