create table page_views (
    id bigint generated always as identity,
    path text not null,
    viewed_at timestamptz not null default now()
);

create index page_views_viewed_at_brin on page_views using brin (viewed_at);
