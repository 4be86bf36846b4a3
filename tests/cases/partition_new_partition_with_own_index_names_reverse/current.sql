-- The partition was built as a plain table with its own index names, then attached: a
-- new partition's copies of the parent indexes are renamed to them.
CREATE TABLE p (id int, v int, w text, PRIMARY KEY (id), UNIQUE (id, v)) PARTITION BY RANGE (id);
CREATE INDEX p_lower ON p (lower(w));
CREATE TABLE c (id int, v int, w text);
ALTER TABLE c ADD CONSTRAINT c_primary PRIMARY KEY (id);
ALTER TABLE c ADD CONSTRAINT c_unique_id_v UNIQUE (id, v);
CREATE INDEX c_lowered_w ON c (lower(w));
ALTER TABLE p ATTACH PARTITION c FOR VALUES FROM (0) TO (10);
