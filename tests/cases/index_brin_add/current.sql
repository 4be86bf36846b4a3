create table page_views (
    id bigint generated always as identity,
    path text not null,
    viewed_at timestamptz not null default now()
);
