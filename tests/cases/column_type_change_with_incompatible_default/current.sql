create table settings (id bigint primary key, level integer not null default 0, label text default 'none');
