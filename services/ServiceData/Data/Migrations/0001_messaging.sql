-- Outbox: events written in the business transaction, relayed to RabbitMQ after commit.
CREATE TABLE IF NOT EXISTS outbox_messages (
    id            uuid PRIMARY KEY,
    message_type  text        NOT NULL,
    body          jsonb       NOT NULL,
    trace_parent  text,
    trace_state   text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    failure       text
);
CREATE INDEX IF NOT EXISTS outbox_messages_pending ON outbox_messages (id) WHERE published_at IS NULL;

-- Idempotent-consumer guard: a message's effect and this row commit together, so a redelivery finds it.
CREATE TABLE IF NOT EXISTS processed_messages (
    consumer      text        NOT NULL,
    message_id    uuid        NOT NULL,
    message_type  text        NOT NULL,
    trace_id      text,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
