-- Partitions created with PARTITION OF get a copy of every parent index, under names
-- PostgreSQL chooses (shortened to 63 bytes, numbered when taken).
CREATE TABLE p (
    id int,
    v int,
    w text,
    a_very_long_column_name_that_goes_on_and_on_and_on int,
    PRIMARY KEY (id),
    UNIQUE (id, v)
) PARTITION BY RANGE (id);
CREATE INDEX ON p (lower(w));
CREATE INDEX ON p (v) INCLUDE (w);
CREATE INDEX ON p (v, w) WHERE v > 0;
CREATE INDEX ON p (a_very_long_column_name_that_goes_on_and_on_and_on, v);
CREATE TABLE c_v_w_idx (x int);
