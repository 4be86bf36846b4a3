create table measurements (id bigint not null, city text, reading numeric, primary key (id, city)) partition by list (city);
create table measurements_paris partition of measurements for values in ('paris');
create statistics measurements_city_reading on city, reading from measurements;
