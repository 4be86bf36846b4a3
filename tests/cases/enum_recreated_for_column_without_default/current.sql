create type ticket_priority as enum ('low', 'high');
create table tickets (id bigint primary key, priority ticket_priority);
