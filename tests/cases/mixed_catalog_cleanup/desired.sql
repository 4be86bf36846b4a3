create table products (
    id bigint generated always as identity primary key,
    sku varchar(48) not null,
    name text not null,
    price_cents integer not null,
    active boolean not null default true,
    constraint products_sku_key unique (sku),
    constraint products_price_cents_check check (price_cents >= 0)
);

create table categories (
    id integer generated always as identity primary key,
    slug text not null unique,
    parent_id integer references categories (id)
);

create table product_tags (
    product_id bigint not null references products (id) on delete cascade,
    tag text not null,
    primary key (product_id, tag)
);
