CREATE TABLE events (id int, k text, v text) PARTITION BY LIST (k);
CREATE UNIQUE INDEX events_k_v_unique ON events (k, v);
