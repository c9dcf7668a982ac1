-- Camera health: the history of image faults (with their evidence picture), maintenance work orders,
-- the time each camera streamed and streamed intact (for the online and image-intact rates), maintainers'
-- position confirmations (location accuracy) and the expected camera count per district (registration).

create table camera_faults (
  id uuid primary key,
  camera_id text not null,
  kind text not null,
  -- When the condition was first seen; raised_at is when it had held long enough to be a fault.
  since timestamptz not null,
  raised_at timestamptz not null,
  last_seen timestamptz not null,
  cleared_at timestamptz,
  detail text not null,
  value double precision,
  evidence bytea
);
create index camera_faults_camera on camera_faults (camera_id, raised_at desc);
-- One open episode per camera and kind.
create unique index camera_faults_open on camera_faults (camera_id, kind) where cleared_at is null;

create table work_orders (
  id uuid primary key,
  camera_id text not null,
  fault_id uuid not null references camera_faults(id),
  kind text not null,
  status text not null check (status in ('open', 'acknowledged', 'closed')),
  opened_at timestamptz not null default now(),
  acknowledged_by text,
  acknowledged_at timestamptz,
  -- Maintainers' notes on the repair, oldest first: [{at, by, note}].
  notes jsonb not null default '[]',
  closed_at timestamptz,
  closed_by text,
  -- 'repaired' (a maintainer closed it) or 'recovered' (the camera's picture came back by itself).
  close_reason text check (close_reason in ('repaired', 'recovered')),
  relearn_reference boolean not null default false
);
-- A fault episode opens at most one work order.
create unique index work_orders_fault on work_orders (fault_id);
create index work_orders_status on work_orders (status, opened_at desc);

-- Milliseconds of each 15-minute bucket (every time zone's midnight falls on one) that a camera streamed,
-- and streamed with no image fault raised.
create table camera_uptime (
  camera_id text not null,
  bucket timestamptz not null,
  online_ms bigint not null default 0,
  intact_ms bigint not null default 0,
  primary key (camera_id, bucket)
);
create index camera_uptime_bucket on camera_uptime (bucket);

create table camera_location_confirmations (
  id uuid primary key,
  camera_id text not null,
  lat double precision not null,
  lon double precision not null,
  confirmed_by text not null,
  confirmed_at timestamptz not null default now(),
  note text
);
create index camera_location_confirmations_camera on camera_location_confirmations (camera_id, confirmed_at desc);

create table district_camera_targets (
  district text primary key,
  expected int not null check (expected >= 0),
  set_by text not null,
  set_at timestamptz not null default now()
);

-- The maintenance role: sees camera health and works the orders.
alter table api_tokens drop constraint if exists api_tokens_role_check;
alter table api_tokens add constraint api_tokens_role_check
  check (role in ('admin', 'operator', 'investigator', 'checkpoint', 'unit', 'maintenance'));
