CREATE TABLE orders (region text, id int, code text, UNIQUE (region, code)) PARTITION BY LIST (region);
CREATE TABLE orders_eu PARTITION OF orders FOR VALUES IN ('eu');
CREATE TABLE orders_us PARTITION OF orders FOR VALUES IN ('us');
CREATE TABLE shipments (region text, code text) PARTITION BY LIST (region);
CREATE TABLE shipments_eu PARTITION OF shipments FOR VALUES IN ('eu');
ALTER TABLE shipments ADD CONSTRAINT shipments_order_fk FOREIGN KEY (region, code) REFERENCES orders (region, code);

CREATE UNIQUE INDEX shipments_region_code_idx ON shipments (region, code);
