create table customers (
    id bigint generated always as identity primary key,
    email text not null,
    full_name text not null,
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);

create table orders (
    id bigint generated always as identity primary key,
    customer_id bigint not null references customers (id),
    status text not null default 'pending',
    total_cents integer not null default 0,
    placed_at timestamptz not null default now()
);

create table order_status_history (
    id bigint generated always as identity primary key,
    order_id bigint not null references orders (id) on delete cascade,
    old_status text,
    new_status text not null,
    changed_at timestamptz not null default now()
);

create function record_order_status_change() returns trigger
language plpgsql
as $$
begin
    insert into order_status_history (order_id, old_status, new_status)
    values (new.id, old.status, new.status);
    return new;
end;
$$;

create trigger orders_status_history after update of status on orders
for each row when (old.status is distinct from new.status)
execute function record_order_status_change();
