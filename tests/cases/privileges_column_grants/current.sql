create table profiles (id bigint primary key, display_name text, ssn text);
grant select (id, display_name) on profiles to sg_case_reader;
