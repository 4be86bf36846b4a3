create function email_key(e text) returns text language sql immutable as $$ select lower(trim(e)) $$;
create table users (id bigint primary key, email text not null);
create unique index users_email_key_idx on users (email_key(email));
create index users_email_prefix_idx on users (email) where email_key(email) <> '';
