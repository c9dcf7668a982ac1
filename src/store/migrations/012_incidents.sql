-- Incidents beside alerts: from a video patrol mark, a confirmed hit, or a call; their response legs (one per unit or
-- one-minute response point), timed against the 1-3-5 minute targets, and the interception orders they made.
create table incidents (
  id uuid primary key,
  -- where it came from: a tour mark, an alert (confirmed hit), or a call typed in by the command room
  source text not null check (source in ('mark', 'alert', 'call')),
  type text not null check (type <> ''),
  severity int not null check (severity between 1 and 5),
  status text not null default 'open' check (status in ('open', 'closed', 'cancelled')),
  lat double precision not null,
  lon double precision not null,
  -- the camera it was seen on (mark, alert) or the nearest one to the call's location
  camera_id text references cameras(id),
  district text not null,
  grid text,
  alert_id uuid references alerts(id),
  -- the tour mark it was raised from (tour_marks, a later migration)
  mark_id uuid,
  -- a vehicle plate, when one is known: interception orders carry it
  plate text,
  description text not null default '',
  -- the duty level whose response table decided the legs
  duty_level text not null,
  -- the named shift it was raised in (reports.shifts), for the handover listing
  shift text not null,
  reported_by text not null,
  reported_by_person text not null,
  role text not null,
  created_at timestamptz not null default now(),
  closed_at timestamptz,
  closed_by text,
  close_note text
);
create index incidents_created on incidents (created_at);
create index incidents_open on incidents (status) where status = 'open';
-- One incident per alert and per mark: a retried request finds the one it made.
create unique index incidents_alert on incidents (alert_id) where alert_id is not null;
create unique index incidents_mark on incidents (mark_id) where mark_id is not null;

create table incident_legs (
  id uuid primary key,
  incident_id uuid not null references incidents(id),
  unit_id text not null references units(id),
  -- 'post': a one-minute response point (a fixed post, unit type 'post'); 'unit': a patrol car, motorbike or foot unit
  kind text not null check (kind in ('unit', 'post')),
  unit_type text not null,
  -- the unit's home grid: a severity-2+ response draws its units from different grids
  grid text not null,
  -- 1, 2, ... in the order offered
  lane int not null,
  state text not null default 'offered' check (state in ('offered', 'acknowledged', 'arrived', 'timed_out', 'released')),
  distance_m double precision not null,
  eta_s double precision not null,
  -- the response target this leg is timed against (60, 180 or 300 s)
  target_s int not null,
  offered_at timestamptz not null default now(),
  acknowledged_at timestamptz,
  arrived_at timestamptz,
  -- timed out, released when the incident closed, or when the unit was free again
  ended_at timestamptz,
  unique (incident_id, unit_id),
  unique (incident_id, lane)
);
create index incident_legs_unit on incident_legs (unit_id) where state in ('offered', 'acknowledged', 'arrived');

-- The checkpoint interception orders an incident made (interception_orders).
create table incident_interceptions (
  incident_id uuid not null references incidents(id),
  order_id uuid not null references interception_orders(id),
  primary key (incident_id, order_id)
);
