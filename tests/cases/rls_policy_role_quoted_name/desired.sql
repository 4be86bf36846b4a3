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
do $$begin if not exists (select from pg_roles where rolname = 'Report Readers') then create role "Report Readers"; end if; end$$;
alter table orders enable row level security;
create policy orders_read on orders for select to "Report Readers" using (status <> 'void');