create schema reporting;
create function reporting.week_of(d date) returns int language sql immutable as 'select extract(week from d)::int';
create type reporting.period as (starts date, ends date);
create type reporting.grain as enum ('day', 'week');
create domain reporting.percent as numeric check (value between 0 and 100);
