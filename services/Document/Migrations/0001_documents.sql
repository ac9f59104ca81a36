-- Issued documents (docs/design/06-documents.md): immutable, identified by content hash, versioned on re-issue.
CREATE TABLE documents (
    id             uuid        PRIMARY KEY,
    kind           text        NOT NULL,
    division_code  text        NOT NULL CHECK (division_code ~ '^[0-9]{12}$'),
    year           int         NOT NULL,
    subject_key    text        NOT NULL,
    version        int         NOT NULL,
    file_name      text        NOT NULL,
    content_type   text        NOT NULL,
    sha256         text        NOT NULL,
    content        bytea       NOT NULL,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, subject_key, version)
);
CREATE INDEX documents_division ON documents (division_code, year);
