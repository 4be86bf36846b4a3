create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);

create unlogged table session_cache (
    session_id uuid primary key,
    customer_id bigint references customers (id) on delete cascade,
    data jsonb not null default '{}'::jsonb,
    expires_at timestamptz not null
);
