CREATE TABLE p (id int, v int) PARTITION BY RANGE (id);
CREATE INDEX p_v ON p (v);
CREATE TABLE c (id int, v int);
CREATE INDEX c_v ON c (v);
