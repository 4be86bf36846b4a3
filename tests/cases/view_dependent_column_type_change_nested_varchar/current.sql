create table products (
    id bigint generated always as identity primary key,
    sku varchar(32) not null,
    name text not null,
    price_cents integer not null,
    active boolean not null default true,
    constraint products_sku_key unique (sku),
    constraint products_price_cents_check check (price_cents >= 0)
);

create view active_products as
select id, sku, name, price_cents
from products
where active;

create view active_product_skus as
select sku, price_cents
from active_products
order by sku;
