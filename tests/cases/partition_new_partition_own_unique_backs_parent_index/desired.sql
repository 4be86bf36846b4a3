CREATE TABLE events (id int, k text, v text) PARTITION BY LIST (k);
CREATE TABLE events_a PARTITION OF events (UNIQUE (k, v)) FOR VALUES IN ('a');
CREATE UNIQUE INDEX events_k_v_unique ON events (k, v);
