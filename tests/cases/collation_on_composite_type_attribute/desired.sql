create type labelled as (id integer, label text collate "C", note text collate "POSIX");
create table labels (id bigint primary key, value labelled);
