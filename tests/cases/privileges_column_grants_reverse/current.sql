create table profiles (id bigint primary key, display_name text, ssn text);
grant select (id) on profiles to sg_case_reader;
grant update (display_name), select (display_name) on profiles to sg_case_writer;
