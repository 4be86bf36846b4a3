create table products (
    id bigint generated always as identity primary key,
    sku varchar(32) not null,
    name text not null,
    price_cents integer not null,
    active boolean not null default true,
    updated_at timestamptz not null default now(),
    constraint products_sku_key unique (sku),
    constraint products_price_cents_check check (price_cents >= 0)
);
