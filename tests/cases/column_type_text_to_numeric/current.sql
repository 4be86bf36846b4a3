create table exchange_rates (
    currency char(3) primary key,
    rate text not null,
    updated_at timestamptz not null default now()
);
