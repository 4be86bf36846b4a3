create table customers (id bigint primary key);
create table invoices (id bigint generated always as identity primary key, customer_id bigint references customers, note text);
alter table invoices owner to sg_case_owner;
grant select on invoices to sg_case_reader;
grant select, insert on invoices to sg_case_writer;
grant update (note) on invoices to sg_case_writer;
grant usage on sequence invoices_id_seq to sg_case_writer;
