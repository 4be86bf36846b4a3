create domain email_address as text check (value ~ '^[^@]+@[^@]+$');

create table customers (
    id bigint generated always as identity primary key,
    email email_address not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);
