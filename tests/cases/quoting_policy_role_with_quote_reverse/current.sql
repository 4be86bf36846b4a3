create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null
);

create table orders (
    id bigint generated always as identity primary key,
    customer_id bigint not null references customers (id),
    status text not null default 'pending',
    total_cents integer not null default 0
);
do $$begin if not exists (select from pg_roles where rolname = 'o''brien') then create role "o'brien"; end if; end$$;
alter table orders enable row level security;
create policy orders_obrien on orders to "o'brien" using (true);