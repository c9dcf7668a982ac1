-- The spine's tables: cameras, plate reads, hotlist, alerts, units, dispatch, deliveries, tokens, audit.

create table cameras (
  id text primary key,
  name text not null,
  kind text not null check (kind in ('street', 'checkpoint')),
  checkpoint_level int,
  lat double precision not null,
  lon double precision not null,
  heading double precision,
  district text not null,
  grid text,
  updated_at timestamptz not null default now()
);

create table plate_reads (
  id uuid primary key,
  camera_id text not null references cameras(id),
  plate text not null,
  -- OCR-canonical form (0/O/D/Q -> 0, ...), so fuzzy search is an index lookup.
  plate_canonical text not null,
  confidence real not null,
  format text not null,
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  captured_at timestamptz not null,
  read_count int not null default 1,
  box jsonb not null,
  crop bytea,
  created_at timestamptz not null default now()
);
create index plate_reads_time on plate_reads (first_seen);
create index plate_reads_camera_time on plate_reads (camera_id, first_seen);
create index plate_reads_plate on plate_reads (plate);
create index plate_reads_canonical on plate_reads (plate_canonical);

create table hotlist (
  id uuid primary key,
  plate text,
  pattern text,
  category text not null,
  reason text not null check (reason <> ''),
  source text not null check (source <> ''),
  added_by text not null,
  priority int not null check (priority between 1 and 5),
  expires_at timestamptz not null,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((plate is null) <> (pattern is null))
);
create index hotlist_plate on hotlist (plate);

create table units (
  id text primary key,
  callsign text not null,
  type text not null check (type in ('car', 'motorbike', 'foot', 'post')),
  home_grid text not null,
  status text not null default 'available' check (status in ('available', 'assigned', 'en_route', 'on_scene', 'off_duty')),
  lat double precision,
  lon double precision,
  position_at timestamptz
);

create table unit_positions (
  unit_id text not null references units(id),
  lat double precision not null,
  lon double precision not null,
  at timestamptz not null
);
create index unit_positions_unit_time on unit_positions (unit_id, at);

create table alerts (
  id uuid primary key,
  kind text not null default 'plate',
  plate_read_id uuid not null references plate_reads(id),
  hotlist_id uuid not null references hotlist(id),
  camera_id text not null references cameras(id),
  plate text not null,
  match jsonb not null,
  priority int not null,
  status text not null default 'candidate' check (status in ('candidate', 'confirmed', 'dismissed')),
  captured_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  disposed_by text,
  disposed_at timestamptz,
  disposition_reason text,
  unique (plate_read_id, hotlist_id)
);
create index alerts_created on alerts (created_at);

create table assignments (
  id uuid primary key,
  alert_id uuid not null references alerts(id),
  unit_id text not null references units(id),
  attempt int not null,
  state text not null default 'offered' check (state in ('offered', 'acknowledged', 'arrived', 'timed_out', 'resolved')),
  distance_m double precision not null,
  eta_s double precision not null,
  offered_at timestamptz not null default now(),
  acknowledged_at timestamptz,
  arrived_at timestamptz,
  timed_out_at timestamptz,
  unique (alert_id, attempt),
  unique (alert_id, unit_id)
);

-- One row per alert, recipient and channel: a retried job finds its row and does not deliver twice.
create table deliveries (
  alert_id uuid not null references alerts(id),
  recipient text not null,
  channel text not null check (channel in ('sse', 'webhook', 'mqtt')),
  delivered_at timestamptz not null default now(),
  detail text,
  primary key (alert_id, recipient, channel)
);

create table api_tokens (
  id uuid primary key,
  name text not null,
  role text not null check (role in ('admin', 'operator', 'investigator', 'checkpoint', 'unit')),
  -- Scope: the unit a unit token speaks for, the checkpoint camera a checkpoint token watches.
  subject text,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create table audit_log (
  seq bigint primary key,
  at timestamptz not null,
  actor text not null,
  role text not null,
  action text not null,
  target text,
  details jsonb not null,
  prev_hash text not null,
  hash text not null unique
);

-- Append-only: the database refuses to change or remove audit entries.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();
