create schema reporting authorization sg_case_owner;
create function reporting.week_of(d date) returns int language sql immutable as 'select extract(week from d)::int';
create type reporting.period as (starts date, ends date);
create type reporting.grain as enum ('day', 'week');
create domain reporting.percent as numeric check (value between 0 and 100);
alter function reporting.week_of(date) owner to sg_case_owner;
alter type reporting.period owner to sg_case_owner;
alter type reporting.grain owner to sg_case_writer;
alter domain reporting.percent owner to sg_case_owner;
