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

create function orders_since(p_since timestamptz, p_status text) returns setof orders
language sql stable
as $$ select * from orders where placed_at >= p_since and status = p_status $$;
