CREATE TABLE regions (code text, name text, UNIQUE (code, name));
CREATE TABLE regions_eu (code text, name text);
CREATE TABLE orders (id int, code text, name text, FOREIGN KEY (code, name) REFERENCES regions (code, name));
CREATE TABLE orders_eu (id int, code text, name text);
