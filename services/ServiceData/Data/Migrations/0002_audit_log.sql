-- Every change of any record: who, when, from, to, why. Read by auditors.
CREATE TABLE IF NOT EXISTS audit_log (
    id          bigserial   PRIMARY KEY,
    entity      text        NOT NULL,
    entity_key  text        NOT NULL,
    division_code text      NOT NULL,
    action      text        NOT NULL,
    from_state  text,
    to_state    text,
    reason      text,
    actor       text        NOT NULL,
    actor_role  text        NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS audit_log_entity ON audit_log (entity, entity_key);
CREATE INDEX IF NOT EXISTS audit_log_division ON audit_log (division_code text_pattern_ops);
