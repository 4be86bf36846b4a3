create domain money_amount as numeric(10, 2) check (value >= 0);
create function double_amount(a money_amount) returns money_amount language sql immutable return a * 2;
create domain unused_code as varchar(10);
