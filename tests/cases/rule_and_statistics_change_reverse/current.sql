create table t (id int primary key, a int, b int);
create table t_log (id int);
create rule t_no_delete as on delete to t where old.a > 0 do instead nothing;
create rule t_no_update as on update to t do instead nothing;
create statistics t_ab (dependencies, ndistinct) on a, b from t;
create statistics t_idb on id, b from t;
alter statistics t_idb set statistics 200;
