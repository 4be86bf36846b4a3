create extension if not exists "uuid-ossp";

create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    public_id uuid not null default uuid_generate_v4(),
    constraint customers_email_key unique (email)
);
