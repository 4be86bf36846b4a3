CREATE TABLE accounts (id int PRIMARY KEY, email text);
CREATE TABLE zlogins (id int PRIMARY KEY, email text);
