create table vehicles (id bigint primary key, name text not null, wheels integer default 4);
