create table seats (flight text not null, seat text not null, passenger text);
alter table seats add constraint seats_flight_seat_key unique (flight, seat) deferrable initially deferred;
create table legs (flight text not null, leg int not null, constraint legs_pkey primary key (flight, leg) deferrable);
