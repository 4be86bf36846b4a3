create type ticket_priority as enum ('lowest', 'low', 'normal', 'high');
create table tickets (id bigint primary key, priority ticket_priority default 'normal');
