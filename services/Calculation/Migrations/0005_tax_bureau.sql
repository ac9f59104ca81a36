-- What the tax bureau answered (docs/design/07-tax-bureau.md): receipts and rejections, matched to payment notices or parked for the county.
CREATE TABLE tax_bureau_answers (
    id              uuid          PRIMARY KEY,
    kind            text          NOT NULL CHECK (kind IN ('receipt', 'rejection')),
    notice_number   text          NOT NULL,
    receipt_number  text          UNIQUE,
    amount          numeric(14,2),
    paid_at         timestamptz,
    reason          text,
    received_at     timestamptz   NOT NULL DEFAULT now(),
    outcome         text          NOT NULL,
    detail          text,
    decision        text,
    resolution      text,
    resolved_by     text,
    resolved_at     timestamptz
);
CREATE INDEX tax_bureau_answers_notice ON tax_bureau_answers (notice_number);

ALTER TABLE payment_notices ADD COLUMN rejection_reason text;
ALTER TABLE payment_notices ADD COLUMN rejected_at timestamptz;
