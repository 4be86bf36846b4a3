create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    email_domain text generated always as (split_part(email, '@', 2)) stored,
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);
