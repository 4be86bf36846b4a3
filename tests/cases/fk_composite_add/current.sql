create table warehouses (
    id integer primary key,
    code varchar(10) not null unique
);

create table inventory_levels (
    warehouse_id integer not null references warehouses (id),
    sku varchar(32) not null,
    lot varchar(20) not null default '',
    on_hand integer not null default 0,
    constraint inventory_levels_pkey primary key (warehouse_id, sku)
);

create table stock_movements (
    id bigint generated always as identity primary key,
    warehouse_id integer not null,
    sku varchar(32) not null,
    delta integer not null,
    moved_at timestamptz not null default now()
);
