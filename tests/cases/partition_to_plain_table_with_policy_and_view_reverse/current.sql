create table "Events" (id bigint not null, kind text not null, amount numeric, source text, primary key (id, kind));
create view event_totals as select kind, sum(amount) as total from "Events" group by kind;
create table event_notes (event_id bigint, kind text, note text, foreign key (event_id, kind) references "Events" (id, kind));
create sequence event_no;
create table counters (n bigint default nextval('event_no'));
alter sequence event_no owned by counters.n;
create policy events_insert on "Events" for insert to public with check (source is not null);
