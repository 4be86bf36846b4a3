create extension if not exists pgcrypto;

create schema payments;

create type payments.payment_method as enum ('card', 'bank_transfer', 'wallet');

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
    placed_at timestamptz not null default now(),
    paid_at timestamptz
);

create table payments.transactions (
    id uuid primary key default gen_random_uuid(),
    order_id bigint not null references public.orders (id),
    method payments.payment_method not null,
    amount_cents integer not null check (amount_cents > 0),
    created_at timestamptz not null default now()
);

create index transactions_order_id_idx on payments.transactions (order_id);

create view payments.order_balances as
select o.id as order_id, o.total_cents, coalesce(sum(t.amount_cents), 0) as paid_cents
from public.orders o
left join payments.transactions t on t.order_id = o.id
group by o.id, o.total_cents;
