create type reservation_state as enum ('held', 'committed', 'released');

create table warehouses (
    id integer primary key,
    code varchar(10) not null unique,
    timezone text not null default 'UTC'
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

create table stock (
    warehouse_id integer not null references warehouses (id),
    product_id bigint not null references products (id),
    on_hand integer not null default 0 check (on_hand >= 0),
    reserved integer not null default 0 check (reserved >= 0),
    updated_at timestamptz not null default now(),
    primary key (warehouse_id, product_id)
);

create table reservations (
    id bigint generated always as identity primary key,
    warehouse_id integer not null,
    product_id bigint not null,
    quantity integer not null check (quantity > 0),
    state reservation_state not null default 'held',
    expires_at timestamptz not null,
    foreign key (warehouse_id, product_id) references stock (warehouse_id, product_id)
);

create index reservations_active_idx on reservations (expires_at) where state = 'held';

create function touch_stock() returns trigger
language plpgsql
as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

create trigger stock_touch before update on stock
for each row execute function touch_stock();

create view available_stock as
select s.warehouse_id, s.product_id, s.on_hand - s.reserved as available
from stock s;
