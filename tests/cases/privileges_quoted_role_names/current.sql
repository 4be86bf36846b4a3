create table "Audit Log" (id bigint primary key, "Event" text);
