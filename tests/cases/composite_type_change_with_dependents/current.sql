create type money_amount as (cents bigint, currency text);
create type line_item as (sku text, price money_amount);
create function line_total(items line_item[]) returns bigint language sql immutable as 'select sum((i.price).cents)::bigint from unnest(items) i';
create function make_amount(c bigint) returns money_amount language sql immutable as 'select (c, ''EUR'')::money_amount';
create procedure log_amount(a money_amount) language sql as 'select 1';
