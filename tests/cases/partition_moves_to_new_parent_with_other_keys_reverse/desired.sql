CREATE TABLE regions_old (code text PRIMARY KEY);
CREATE TABLE orders (region text REFERENCES regions_old (code), amount int, CONSTRAINT orders_amount_check CHECK (amount > 0)) PARTITION BY LIST (region);
CREATE TABLE orders_eu PARTITION OF orders FOR VALUES IN ('eu');
