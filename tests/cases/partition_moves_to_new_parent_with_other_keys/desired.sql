CREATE TABLE regions (code text PRIMARY KEY);
CREATE TABLE orders_v2 (region text REFERENCES regions (code), amount int, CONSTRAINT orders_amount_check CHECK (amount > 0)) PARTITION BY LIST (region);
CREATE TABLE orders_eu PARTITION OF orders_v2 FOR VALUES IN ('eu');
