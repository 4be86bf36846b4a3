create table tenants_data (tenant text not null, id bigint not null, primary key (tenant, id)) partition by list (tenant);
create table tenants_data_a partition of tenants_data for values in ('a');
create table tenants_data_b partition of tenants_data for values in ('b');
