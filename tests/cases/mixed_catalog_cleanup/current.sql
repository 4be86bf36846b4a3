create table products (
    id bigint generated always as identity primary key,
    sku varchar(32) not null,
    name text not null,
    price_cents integer not null,
    active boolean not null default true,
    legacy_category text,
    constraint products_sku_key unique (sku),
    constraint products_price_cents_check check (price_cents >= 0)
);

create index products_legacy_category_idx on products (legacy_category);

create table product_tags (
    product_id bigint not null references products (id),
    tag text not null,
    primary key (product_id, tag)
);

create view products_with_category as
select id, sku, legacy_category from products;
