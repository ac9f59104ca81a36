-- Messages that failed every retry, taken out of the service's error queues so an operator can read, return or
-- discard each one (docs/operations/runbook.md). The body and headers are kept as the broker held them, to
-- return the message unchanged. One row per failure: a message returned and failing again is a new row.
CREATE TABLE IF NOT EXISTS dead_letters (
    id                bigserial   PRIMARY KEY,
    queue             text        NOT NULL,
    message_id        text        NOT NULL,
    failure_key       text        NOT NULL,
    message_type      text        NOT NULL,
    failed_at         timestamptz NOT NULL,
    exception_type    text,
    exception_message text,
    content_type      text,
    headers           jsonb       NOT NULL,
    body              bytea       NOT NULL,
    state             text        NOT NULL DEFAULT 'waiting',
    parked_at         timestamptz NOT NULL DEFAULT now(),
    handled_by        text,
    handled_at        timestamptz,
    handled_reason    text,
    UNIQUE (queue, message_id, failure_key)
);
CREATE INDEX IF NOT EXISTS dead_letters_state ON dead_letters (state, id);
