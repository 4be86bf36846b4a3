create schema pricing;
create function pricing.add(a integer, b integer) returns integer language sql immutable return a + b;
create function pricing."increment by one"(i integer) returns integer language sql immutable return pricing.add(i, 1);
create function pricing.bump_twice(i integer) returns integer language sql immutable return pricing."increment by one"(pricing."increment by one"(i));
create function pricing.is_finite(v numeric) returns boolean language sql immutable return v <> 'NaN'::numeric;
create domain pricing.finite_numeric as numeric check (pricing.is_finite(value));
create table items (id bigint primary key);
