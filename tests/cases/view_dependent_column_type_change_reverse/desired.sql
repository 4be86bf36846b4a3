create table customers (
    id bigint generated always as identity primary key,
    email varchar(100) not null,
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

create view recent_orders as
select o.id, o.customer_id, c.email, o.status, o.total_cents, o.placed_at
from orders o
join customers c on c.id = o.customer_id
where o.placed_at > now() - interval '30 days';
