create table support_tickets (
    id bigint generated always as identity primary key,
    subject text not null,
    opened_at timestamptz not null default now()
);
