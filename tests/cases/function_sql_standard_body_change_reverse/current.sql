create function add_vat(cents bigint) returns bigint language sql immutable return cents * 119 / 100;
create function round_cents(cents numeric) returns bigint language sql immutable return round(cents)::bigint;
create function price_with_vat(cents bigint) returns bigint language sql immutable return round_cents(add_vat(cents) * 1.0);
create function total(a bigint, b bigint) returns bigint language sql immutable begin atomic select a + b; end;
