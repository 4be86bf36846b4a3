create table t (id int primary key, a int, b text, c text);
alter table t alter column a set statistics 500;
alter table t alter column c set storage main;
