create table promotions (
    id bigint generated always as identity primary key,
    code text not null unique,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    percent_off integer not null
);
