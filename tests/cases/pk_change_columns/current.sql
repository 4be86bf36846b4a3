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
