-- When an account's or client's access was taken away: a gateway or service that starts asks for the recent ones.
CREATE TABLE IF NOT EXISTS access_revocations (
    subject    text        NOT NULL,
    revoked_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS access_revocations_at ON access_revocations (revoked_at);
