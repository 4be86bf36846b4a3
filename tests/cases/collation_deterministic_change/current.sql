create collation case_blind (provider = icu, locale = 'und-u-ks-level2');
create table tags (id bigint primary key, label text);
