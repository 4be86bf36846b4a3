create domain phone_number as text
    constraint phone_number_format check (value ~ '^\+?[0-9 ()-]{7,20}$' and char_length(value) between 7 and 20 and value !~ '--');
create table contacts (id bigint primary key, phone phone_number);
