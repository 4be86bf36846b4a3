create table orders (id serial primary key, total_cents bigint not null);
create view big_orders as select id from orders where total_cents > 100000;
create materialized view order_totals as select count(*) as n from orders;
create sequence receipt_numbers;
