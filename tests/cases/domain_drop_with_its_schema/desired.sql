create table discounts (id bigint primary key, rate numeric);
