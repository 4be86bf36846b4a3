CREATE TABLE regions (code text, name text, UNIQUE (code, name)) PARTITION BY LIST (code);
CREATE TABLE regions_eu PARTITION OF regions FOR VALUES IN ('eu');
CREATE TABLE orders (id int, code text, name text, FOREIGN KEY (code, name) REFERENCES regions (code, name)) PARTITION BY LIST (code);
CREATE TABLE orders_eu PARTITION OF orders FOR VALUES IN ('eu');
