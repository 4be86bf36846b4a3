create extension if not exists btree_gist;

create table rooms (
    id integer primary key,
    name text not null
);

create table room_bookings (
    id bigint generated always as identity primary key,
    room_id integer not null references rooms (id),
    during tstzrange not null,
    constraint room_bookings_no_overlap exclude using gist (room_id with =, during with &&)
);
