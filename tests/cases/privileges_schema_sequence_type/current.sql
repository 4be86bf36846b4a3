create schema billing;
create sequence billing.invoice_numbers;
create type billing.invoice_state as enum ('draft', 'sent');
create domain billing.cents as bigint check (value >= 0);
