-- Recording: indexed segments, holds that protect footage from retention, cases, exports and their files.

create table segments (
  id bigserial primary key,
  camera_id text not null references cameras(id),
  start_at timestamptz not null,
  end_at timestamptz not null,
  -- Relative to the recording root, so the root can move to another disk.
  path text not null unique,
  bytes bigint not null check (bytes >= 0),
  created_at timestamptz not null default now(),
  check (end_at > start_at)
);
create index segments_camera_start on segments (camera_id, start_at);
-- Retention walks all cameras oldest first.
create index segments_start on segments (start_at);

create table cases (
  id uuid primary key,
  number text not null unique check (number <> ''),
  title text not null check (title <> ''),
  created_by text not null,
  created_at timestamptz not null default now(),
  closed_at timestamptz,
  closed_by text
);

-- A hold protects one camera's footage over [from_at, to_at) from retention while it is active
-- (not released, not expired). Protection is computed from holds rather than flagged on segments,
-- because a hold may cover footage not recorded yet (an alert's "after" seconds, an export in flight).
create table footage_holds (
  id uuid primary key,
  camera_id text not null,
  from_at timestamptz not null,
  to_at timestamptz not null,
  kind text not null check (kind in ('alert', 'export', 'case')),
  -- The alert, export or case item the hold is for.
  ref text not null,
  reason text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  -- Null: held until released.
  expires_at timestamptz,
  released_at timestamptz,
  released_by text,
  release_reason text,
  check (to_at > from_at),
  unique (kind, ref, camera_id)
);
create index footage_holds_active on footage_holds (camera_id, from_at) where released_at is null;

create table exports (
  id uuid primary key,
  cameras text[] not null,
  from_at timestamptz not null,
  to_at timestamptz not null,
  purpose text not null check (purpose <> ''),
  case_id uuid references cases(id),
  requested_by text not null,
  role text not null,
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  progress real not null default 0,
  error text,
  manifest jsonb,
  manifest_sha256 text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  released_at timestamptz,
  released_by text,
  release_reason text,
  -- Set when retention removed the files of a released export.
  files_removed_at timestamptz,
  check (to_at > from_at)
);
create index exports_created on exports (created_at);

create table export_files (
  export_id uuid not null references exports(id),
  name text not null,
  camera_id text not null,
  bytes bigint not null,
  sha256 text not null,
  duration_seconds double precision not null,
  primary key (export_id, name)
);

create table case_items (
  id uuid primary key,
  case_id uuid not null references cases(id),
  kind text not null check (kind in ('search', 'alert', 'bookmark', 'export')),
  -- The alert or export id for those kinds.
  ref text,
  camera_id text,
  from_at timestamptz,
  to_at timestamptz,
  note text,
  details jsonb not null default '{}',
  added_by text not null,
  created_at timestamptz not null default now()
);
create index case_items_case on case_items (case_id, created_at);
