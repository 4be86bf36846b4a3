create function add_tax(cents bigint) returns bigint language sql immutable as 'select cents * 119 / 100';
create procedure archive_all() language sql as 'select 1';
