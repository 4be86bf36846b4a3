create table shipments (id bigint primary key, carrier text);
