create table walls (id bigint primary key, color varchar(255) default 'green');
