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

create schema billing;

create table billing.invoices (
    id bigint generated always as identity primary key,
    order_id bigint not null references public.orders (id),
    amount_cents integer not null,
    issued_at timestamptz not null default now()
);

create index invoices_order_id_idx on billing.invoices (order_id);

create view billing.unpaid_invoices as
select id, order_id, amount_cents from billing.invoices;
