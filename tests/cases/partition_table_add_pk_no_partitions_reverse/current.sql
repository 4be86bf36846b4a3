create table customers (id bigint primary key);
create table events (id bigint, at date, note text, primary key (id, at), unique (note, at)) partition by range (at);
create index events_note_idx on events (note);
