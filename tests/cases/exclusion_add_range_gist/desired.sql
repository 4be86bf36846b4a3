create table maintenance_windows (
    id bigint generated always as identity primary key,
    during tstzrange not null,
    reason text not null,
    created_by text not null default current_user,
    constraint maintenance_windows_no_overlap exclude using gist (during with &&)
);
