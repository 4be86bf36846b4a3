create table shipments (
    id bigint primary key,
    carrier text,
    tracking_number text,
    shipped_at timestamptz,
    weight_grams integer not null default 0,
    declared_value numeric(12, 2),
    address_line text
);
