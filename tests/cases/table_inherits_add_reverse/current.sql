create table vehicles (id bigint primary key, name text not null, wheels integer default 4);
create table trucks (payload_kg integer) inherits (vehicles);
alter table trucks alter column wheels set default 6;
create table bikes (frame text) inherits (vehicles);
alter table bikes alter column wheels set not null;
