create type customer_tier as enum ('standard', 'silver', 'gold');

create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    tier customer_tier not null default 'standard',
    constraint customers_email_key unique (email)
);
