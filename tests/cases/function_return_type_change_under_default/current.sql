create function next_ticket_code() returns integer language sql volatile as $$ select (random() * 1000000)::integer $$;
create table tickets (id bigint primary key, code integer not null default next_ticket_code());
