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
create function cents_to_eur(c integer) returns numeric language sql immutable as 'select c / 100.0';
create table prices (cents integer not null, eur numeric generated always as (cents_to_eur(cents)) stored);