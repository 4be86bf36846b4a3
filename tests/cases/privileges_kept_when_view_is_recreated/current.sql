create table readings (id bigint primary key, value integer not null);
create view recent_readings as select id, value from readings where id > 100;
grant select on recent_readings to sg_case_reader;
alter view recent_readings owner to sg_case_owner;
grant select (value) on readings to sg_case_reader;
