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
create function order_total(o orders) returns integer language sql as 'select o.total_cents';
comment on function order_total(orders) is 'Total of an order';