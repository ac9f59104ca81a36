-- 考核 (docs/design/11-beyond-paperwork.md): what the assessment counts, kept from the events the service receives. A village-year's members,
-- eligible members and the tiers its paying members chose come with each settlement step (the tiers with the steps
-- that list the members); a village's pilot status comes from the registry's PilotStatusChanged.
ALTER TABLE village_years ADD COLUMN members int NOT NULL DEFAULT 0;
ALTER TABLE village_years ADD COLUMN eligible int NOT NULL DEFAULT 0;
ALTER TABLE village_years ADD COLUMN tiered int NOT NULL DEFAULT 0;
ALTER TABLE village_years ADD COLUMN tier_sum numeric(16,2) NOT NULL DEFAULT 0;
ALTER TABLE village_years ADD COLUMN tier_1000 int NOT NULL DEFAULT 0;

CREATE TABLE known_pilots (
    village_code  text    PRIMARY KEY,
    status        text    NOT NULL,
    version       bigint  NOT NULL
);
