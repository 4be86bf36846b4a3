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

create table orders (
    id bigint generated always as identity primary key,
    customer_id bigint not null references customers (id),
    status text not null default 'pending',
    total_cents integer not null default 0,
    placed_at timestamptz not null default now()
);

create table order_items (
    order_id bigint not null references orders (id) on delete cascade,
    product_id bigint not null references products (id),
    quantity integer not null,
    unit_price_cents integer not null,
    discount_cents integer not null default 0,
    line_total_cents bigint generated always as (quantity::bigint * unit_price_cents - discount_cents) stored,
    primary key (order_id, product_id)
);
