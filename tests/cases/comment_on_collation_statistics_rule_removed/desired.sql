create collation case_blind (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
create table cities (id bigint primary key, name text, country text);
create statistics cities_name_country on name, country from cities;
create rule cities_keep as on delete to cities do instead nothing;
comment on statistics cities_name_country is 'names repeat within a country';
