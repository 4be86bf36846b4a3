create function next_ticket_code() returns bigint language sql volatile as $$ select (random() * 1000000)::bigint $$;
create table tickets (id bigint primary key, code integer not null default next_ticket_code());
