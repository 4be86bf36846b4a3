create collation case_blind (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
create table cities (id bigint primary key, name text, country text);
create statistics cities_name_country (ndistinct, dependencies) on name, country from cities;
create rule cities_keep as on delete to cities do instead nothing;
comment on collation case_blind is 'compares without case';
comment on statistics cities_name_country is 'names repeat within a country';
comment on rule cities_keep on cities is 'cities are never deleted';
