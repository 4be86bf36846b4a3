create table contacts (id bigint primary key);
