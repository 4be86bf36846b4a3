create table tenant_documents (
    id bigint generated always as identity primary key,
    tenant_id uuid not null,
    title text not null,
    body text
);
