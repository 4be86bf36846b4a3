create schema api;
alter default privileges in schema api grant select, insert on tables to sg_case_writer;
alter default privileges revoke execute on functions from public;
alter default privileges for role sg_case_owner grant usage on sequences to sg_case_reader;
alter default privileges grant usage on types to sg_case_reader with grant option;
