-- Where each village-year's settlement stands, kept from SettlementStepTaken, for the year summaries.
CREATE TABLE village_years (
    village_code  text          NOT NULL,
    year          int           NOT NULL,
    state         text          NOT NULL,
    recipients    int           NOT NULL,
    amount        numeric(14,2) NOT NULL,
    paid_amount   numeric(14,2) NOT NULL DEFAULT 0,
    credited      boolean       NOT NULL DEFAULT false,
    as_of         timestamptz   NOT NULL,
    PRIMARY KEY (village_code, year)
);
