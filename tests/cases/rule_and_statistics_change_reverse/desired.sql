create table t (id int primary key, a int, b int);
create table t_log (id int);
create rule t_no_delete as on delete to t do instead nothing;
create rule t_log_insert as on insert to t do also insert into t_log values (new.id);
create statistics t_ab (dependencies) on a, b from t;
