create table "Audit Log" (id bigint primary key, "Event" text);
grant select on "Audit Log" to "sg_case_Read""Only Role";
grant update ("Event") on "Audit Log" to "sg_case_Read""Only Role";
alter table "Audit Log" owner to "sg_case_Own;er";
