create table t (id int primary key, a int, b text, c varchar(20));
alter table t alter column b set statistics 100;
alter table t alter column b set storage external;
create materialized view mv as select id, b from t;
alter materialized view mv alter column b set statistics 30;
