create function time_diff(a time, b time) returns float8 language sql immutable as 'select extract(epoch from (a - b))';
create type timerange as range (subtype = time, subtype_diff = time_diff);
create type floatrange as range (subtype = float8, subtype_diff = float8mi);
create type textrange_c as range (subtype = text, collation = "C");
create table bookings (id bigint primary key, slot timerange, score floatrange, names textrange_c);
