create table accounts (id bigint primary key, email text not null, balance_cents bigint);
grant select, insert on accounts to sg_case_reader;
