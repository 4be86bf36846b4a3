create sequence "invoice numbers" as bigint increment by 2 minvalue 5 maxvalue 100000 start with 10 cache 5;
create table invoices ("invoice no" bigint default nextval('"invoice numbers"'), total numeric) partition by range ("invoice no");
alter sequence "invoice numbers" owned by invoices."invoice no";
create sequence ticket_numbers;
create table tickets (id bigint primary key, no bigint);
alter sequence ticket_numbers owned by tickets.no;
