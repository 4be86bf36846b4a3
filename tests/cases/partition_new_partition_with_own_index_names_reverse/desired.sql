CREATE TABLE p (id int, v int, w text, PRIMARY KEY (id), UNIQUE (id, v)) PARTITION BY RANGE (id);
CREATE INDEX p_lower ON p (lower(w));
