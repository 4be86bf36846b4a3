create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now()
);

create unique index customers_email_lower_key on customers (lower(email));
