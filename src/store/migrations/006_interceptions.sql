-- Checkpoint interception orders: who ordered which checkpoints to stop which plate, their acknowledgements, and the closing read.
create table interception_orders (
  id uuid primary key,
  -- null for an operator's order made from a plate alone
  alert_id uuid references alerts(id),
  plate text not null,
  reason text not null check (reason <> ''),
  -- the plate read whose crop is the order's photo (the hit, or the plate's latest read)
  photo_read_id uuid references plate_reads(id),
  ordered_by text not null,
  role text not null,
  origin_camera text references cameras(id),
  -- direction of travel at the hit, degrees from north, when the hit camera knows it
  heading double precision,
  hit_at timestamptz not null,
  -- 'ahead', 'radius', 'radius_fallback' or 'explicit'
  mode text not null,
  created_at timestamptz not null default now(),
  -- a later checkpoint read closes the order only until then (interception.closeWindowHours)
  close_until timestamptz not null,
  status text not null default 'open' check (status in ('open', 'closed', 'cancelled')),
  closed_by_read_id uuid references plate_reads(id),
  closed_at timestamptz,
  closed_camera text references cameras(id),
  cancelled_by text,
  cancel_reason text
);
create index interception_orders_open_plate on interception_orders (plate) where status = 'open';
create index interception_orders_created on interception_orders (created_at);
-- One open order per alert: a repeated confirmation or a retried hook never orders twice.
create unique index interception_orders_open_alert on interception_orders (alert_id) where status = 'open' and alert_id is not null;

create table interception_targets (
  order_id uuid not null references interception_orders(id) on delete cascade,
  camera_id text not null references cameras(id),
  distance_m double precision,
  bearing_deg double precision,
  expected_at timestamptz,
  acknowledged_by text,
  acknowledged_at timestamptz,
  primary key (order_id, camera_id)
);
create index interception_targets_camera on interception_targets (camera_id);
