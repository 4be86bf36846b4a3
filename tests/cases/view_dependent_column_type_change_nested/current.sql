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

create view customer_order_totals as
select c.id as customer_id, c.email, count(o.id) as order_count, coalesce(sum(o.total_cents), 0) as lifetime_cents
from customers c
left join orders o on o.customer_id = c.id
group by c.id, c.email;

create view top_customers as
select customer_id, email, lifetime_cents
from customer_order_totals
where lifetime_cents > 100000;
