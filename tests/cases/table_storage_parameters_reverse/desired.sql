create table events (id bigint primary key, payload jsonb);
create materialized view event_counts as select count(*) as n from events;
