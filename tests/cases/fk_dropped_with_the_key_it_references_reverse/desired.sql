CREATE TABLE accounts (id int PRIMARY KEY, email text, CONSTRAINT accounts_email_key UNIQUE (email));
CREATE TABLE zlogins (id int PRIMARY KEY, email text REFERENCES accounts (email));
