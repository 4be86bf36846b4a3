create table support_tickets (
    id bigint not null primary key,
    subject text not null,
    opened_at timestamptz not null default now()
);
