create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);

create table customer_addresses (
    customer_id bigint not null,
    country char(2) not null,
    line1 text not null,
    city text not null
) partition by list (country);

create table customer_addresses_us partition of customer_addresses for values in ('US');
create table customer_addresses_eu partition of customer_addresses for values in ('DE', 'FR', 'NL');
