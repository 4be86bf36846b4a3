create table exchange_rates (
    currency char(3) primary key,
    rate numeric(18, 8) not null,
    updated_at timestamptz not null default now()
);
