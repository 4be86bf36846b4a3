create table kept (id bigint primary key);
