create table tenant_documents (
    id bigint generated always as identity primary key,
    tenant_id uuid not null,
    title text not null,
    body text
);

alter table tenant_documents enable row level security;

create policy tenant_isolation on tenant_documents
    using (tenant_id = current_setting('app.tenant_id')::uuid);
