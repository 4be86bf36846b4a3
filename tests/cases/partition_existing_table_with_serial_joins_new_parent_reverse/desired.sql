CREATE TABLE events (id serial, kind text NOT NULL);
CREATE TABLE events_click (id serial, kind text NOT NULL);
