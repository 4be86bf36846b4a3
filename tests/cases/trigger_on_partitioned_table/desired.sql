create function touch_version() returns trigger language plpgsql as $$ begin new.version := coalesce(old.version, 0) + 1; return new; end $$;
create table "Readings" (id bigint not null, taken date not null, version integer) partition by range (taken);
create table "Readings 2026" partition of "Readings" for values from ('2026-01-01') to ('2027-01-01');
create trigger "bump version" before update on "Readings" for each row when (old.* is distinct from new.*) execute function touch_version();
create trigger "partition audit" before insert on "Readings 2026" for each row execute function touch_version();
