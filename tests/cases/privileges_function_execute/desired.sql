create function add_tax(cents bigint) returns bigint language sql immutable as 'select cents * 119 / 100';
create procedure archive_all() language sql as 'select 1';
revoke execute on function add_tax(bigint) from public;
grant execute on function add_tax(bigint) to sg_case_reader;
revoke execute on procedure archive_all() from public;
grant execute on procedure archive_all() to sg_case_writer;
