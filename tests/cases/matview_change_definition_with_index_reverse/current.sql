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

create materialized view daily_sales as
select date_trunc('day', placed_at) as day, count(*) as orders, sum(total_cents) as revenue_cents
from orders
where status <> 'cancelled'
group by 1;

create unique index daily_sales_day_idx on daily_sales (day);
