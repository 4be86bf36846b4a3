create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    marketing_opt_in boolean not null default false,
    constraint customers_email_key unique (email)
);

create table customer_addresses (
    id bigint generated always as identity primary key,
    customer_id bigint not null references customers (id) on delete cascade,
    kind text not null default 'shipping',
    address_line text not null,
    city text not null,
    constraint customer_addresses_kind_check check (kind in ('shipping', 'billing'))
);

create unique index customer_addresses_one_per_kind on customer_addresses (customer_id, kind);

create table orders (
    id bigint generated always as identity primary key,
    customer_id bigint not null references customers (id) on delete restrict,
    status text not null default 'pending',
    total_cents integer not null default 0,
    placed_at timestamptz not null default now()
);
