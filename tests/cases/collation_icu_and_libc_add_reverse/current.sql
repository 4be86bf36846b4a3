create collation german_phonebook (provider = icu, locale = 'de-u-co-phonebk');
create collation case_blind (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
create collation posix_sort (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');
create collation "it's quoted" (provider = icu, locale = 'fr-CA');
create table people (id bigint primary key, name text collate case_blind, sort_name text collate german_phonebook);
