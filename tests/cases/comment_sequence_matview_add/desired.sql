create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null
);

create table orders (
    id bigint generated always as identity primary key,
    customer_id bigint not null references customers (id),
    status text not null default 'pending',
    total_cents integer not null default 0
);
create sequence ticket_seq;
create materialized view order_counts as select status, count(*) from orders group by status;
comment on sequence ticket_seq is 'tickets';
comment on materialized view order_counts is 'counts';