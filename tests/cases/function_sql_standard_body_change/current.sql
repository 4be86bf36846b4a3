create function add_vat(cents bigint) returns bigint language sql immutable return cents * 120 / 100;
create function add_fee(cents bigint) returns bigint language sql immutable return cents + 30;
create function price_with_vat(cents bigint) returns bigint language sql immutable return add_vat(cents);
create function total(a bigint, b bigint) returns bigint language sql immutable begin atomic select add_fee(a + b); end;
