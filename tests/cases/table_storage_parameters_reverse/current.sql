create table events (id bigint primary key, payload jsonb) with (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01);
create materialized view event_counts with (autovacuum_enabled = false) as select count(*) as n from events;
create table event_archive (id bigint primary key) with (autovacuum_enabled = false);
