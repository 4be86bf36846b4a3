create domain email_address as text check (value ~ '^[^@]+@[^@]+$');

create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);

create table email_bounces (
    id bigint generated always as identity primary key,
    address email_address not null,
    bounced_at timestamptz not null default now()
);
