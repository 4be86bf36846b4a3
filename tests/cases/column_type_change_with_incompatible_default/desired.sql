create table settings (id bigint primary key, level varchar(20) not null default 'basic', label varchar(40) default 'none');
