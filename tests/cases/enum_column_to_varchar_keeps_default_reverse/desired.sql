create type paint as enum ('red', 'green', 'blue');
create table walls (id bigint primary key, color paint default 'green');
