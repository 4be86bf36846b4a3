create table keep_me (id bigint primary key);
