create extension if not exists citext;

create table newsletter_subscribers (
    id bigint generated always as identity primary key,
    email text not null,
    email_ci citext
);
