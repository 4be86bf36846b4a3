create domain money_amount as numeric(20, 4) check (value >= 0);
create function double_amount(a money_amount) returns money_amount language sql immutable return a * 2;
create domain unused_code as text collate "C";
