-- Villages' member rosters (集体经济组织成员名册), one accepted roster per village and year.
CREATE TABLE roster_members (
    batch_id      uuid     NOT NULL,
    row_no        int      NOT NULL,
    name          text     NOT NULL,
    id_number     text     NOT NULL,
    special_group smallint,
    PRIMARY KEY (batch_id, id_number)
);
