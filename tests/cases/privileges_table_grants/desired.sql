create table accounts (id bigint primary key, email text not null, balance_cents bigint);
grant select on accounts to sg_case_reader with grant option;
grant select, insert, update on accounts to sg_case_writer;
