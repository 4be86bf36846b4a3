create schema reporting;
alter default privileges in schema reporting grant select on tables to sg_case_reader;
create table kept (id bigint primary key);
