create table orders (id serial primary key, total_cents bigint not null);
create view big_orders as select id from orders where total_cents > 100000;
create materialized view order_totals as select count(*) as n from orders;
create sequence receipt_numbers;
alter table orders owner to sg_case_owner;
alter view big_orders owner to sg_case_owner;
alter materialized view order_totals owner to sg_case_owner;
alter sequence receipt_numbers owner to sg_case_writer;
