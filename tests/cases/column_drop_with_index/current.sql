create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    legacy_ref varchar(40),
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);

create index customers_legacy_ref_idx on customers (legacy_ref);
