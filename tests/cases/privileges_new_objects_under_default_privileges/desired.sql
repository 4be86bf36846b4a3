create schema api;
alter default privileges in schema api grant select on tables to sg_case_reader;
alter default privileges revoke execute on functions from public;
create table api.tokens (id bigint primary key, token text not null);
revoke select on api.tokens from sg_case_reader;
grant insert on api.tokens to sg_case_writer;
create function api.ping() returns int language sql as 'select 1';
grant execute on function api.ping() to public;
create table api.events (id bigint primary key);
