create table tenants_data (tenant text not null, id bigint not null, primary key (tenant, id)) partition by list (tenant);
alter table tenants_data enable row level security;
create table tenants_data_a partition of tenants_data for values in ('a');
alter table tenants_data_a enable row level security;
alter table tenants_data_a force row level security;
create table tenants_data_b partition of tenants_data for values in ('b');
