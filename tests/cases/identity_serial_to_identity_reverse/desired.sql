create table support_tickets (
    id serial primary key,
    subject text not null,
    opened_at timestamptz not null default now()
);
