create table people (id bigint primary key, name text);
