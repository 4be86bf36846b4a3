create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);

create table orders (
    id bigint generated always as identity primary key,
    customer_id bigint not null references customers (id),
    status text not null default 'pending',
    total_cents integer not null default 0,
    placed_at timestamptz not null default now()
);

create table order_events (
    id bigint generated always as identity,
    order_id bigint not null,
    kind text not null,
    occurred_at timestamptz not null,
    primary key (id, occurred_at)
) partition by range (occurred_at);

create table order_events_2026_01 partition of order_events
    for values from ('2026-01-01') to ('2026-02-01');

create table order_events_2026_02 partition of order_events
    for values from ('2026-02-01') to ('2026-03-01');
