create table invoices (
    id bigint generated always as identity primary key,
    number varchar(20) not null unique,
    amount numeric(14, 2) not null,
    tax_rate numeric(5, 4) not null default 0
);
