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
create table events (id bigint not null, at date not null) partition by range (at);
create table events_1 partition of events for values from ('2026-01-01') to ('2026-02-01');