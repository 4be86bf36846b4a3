create schema billing;
create domain billing.cents as bigint check (value >= 0);
create table billing.invoices (id bigint primary key, total billing.cents);
create domain public.percent as numeric check (value between 0 and 100);
create table discounts (id bigint primary key, rate percent);
