create table audit_log (
    id bigint not null,
    table_name text not null,
    action text not null,
    changed_at timestamptz not null default now()
);
