create sequence "invoice numbers" as bigint increment by 2 minvalue 5 maxvalue 100000 start with 10 cache 5;
create table "old invoices" ("invoice no" bigint, total numeric);
alter sequence "invoice numbers" owned by "old invoices"."invoice no";
create sequence ticket_numbers;
create table tickets (id bigint primary key, legacy_no bigint, no bigint);
alter sequence ticket_numbers owned by tickets.legacy_no;
