create schema api;
alter default privileges grant select on tables to sg_case_reader;
