create table newsletter_subscribers (
    id bigint generated always as identity primary key,
    email text not null
);
