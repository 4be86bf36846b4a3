create table users (id bigint primary key, name text, email text);
create view active_users as select id, email from users;
create view active_user_ids as select id from active_users;
create view active_user_count as select count(*) as n from active_user_ids;
