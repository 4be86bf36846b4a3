create schema api;
alter default privileges in schema api grant select on tables to sg_case_reader;
alter default privileges revoke execute on functions from public;
