create function name_weight(t text) returns numeric language sql immutable as $$ select length(trim(t))::numeric $$;
create table products (id bigint primary key, name text not null, constraint products_name_weight check (name_weight(name) between 1 and 200));
