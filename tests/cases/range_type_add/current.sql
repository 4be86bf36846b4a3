create table bookings (id bigint primary key);
