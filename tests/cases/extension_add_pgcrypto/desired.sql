create extension if not exists pgcrypto;

create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);

create table api_keys (
    id bigint generated always as identity primary key,
    customer_id bigint not null references customers (id) on delete cascade,
    key_hash text not null,
    created_at timestamptz not null default now()
);

create function hash_api_key(p_key text) returns text
language sql immutable
as $$ select encode(digest(p_key, 'sha256'), 'hex') $$;
