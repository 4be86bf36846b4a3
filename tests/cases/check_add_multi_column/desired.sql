create table promotions (
    id bigint generated always as identity primary key,
    code text not null unique,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    percent_off integer not null,
    constraint promotions_window_check check (ends_at > starts_at),
    constraint promotions_percent_off_check check (percent_off between 1 and 100)
);
