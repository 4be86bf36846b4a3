create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);

create table products (
    id bigint generated always as identity primary key,
    sku varchar(32) not null,
    name text not null,
    price_cents integer not null,
    active boolean not null default true,
    constraint products_sku_key unique (sku),
    constraint products_price_cents_check check (price_cents >= 0)
);

create table wishlist_items (
    customer_id bigint not null references customers (id) on delete cascade,
    product_id bigint not null references products (id) on delete cascade,
    added_at timestamptz not null default now(),
    primary key (customer_id, product_id)
);
