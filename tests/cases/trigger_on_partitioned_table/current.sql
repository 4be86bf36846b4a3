create function touch_version() returns trigger language plpgsql as $$ begin new.version := coalesce(old.version, 0) + 1; return new; end $$;
create table "Readings" (id bigint not null, taken date not null, version integer) partition by range (taken);
create table "Readings 2026" partition of "Readings" for values from ('2026-01-01') to ('2027-01-01');
