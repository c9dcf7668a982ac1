-- Patrol plans per district (GeoJSON: must-reach points, must-patrol lines, core and key areas), the
-- near-end warnings sent per shift, situation reports with their PDF, and who receives them.
create table patrol_plans (
  district text primary key,
  geojson jsonb not null,
  version int not null default 1,
  updated_by text not null,
  updated_at timestamptz not null default now()
);

-- Coverage reads every unit's fixes of a window; the retention purge deletes by time.
create index unit_positions_time on unit_positions (at);

-- One warning per district and shift instance: a second check or a second node sends nothing twice.
create table patrol_warnings (
  district text not null,
  shift text not null,
  shift_start timestamptz not null,
  sent_at timestamptz not null default now(),
  missing jsonb not null,
  primary key (district, shift, shift_start)
);

create table situation_reports (
  id uuid primary key,
  district text not null,
  period text not null check (period in ('day', 'week')),
  -- local date of the period's first day (server.timezone)
  start_date text not null,
  period_from timestamptz not null,
  period_to timestamptz not null,
  trigger text not null check (trigger in ('schedule', 'request')),
  made_by text not null,
  made_at timestamptz not null default now(),
  data jsonb not null,
  -- null without chromium; pdf_error says why
  pdf bytea,
  pdf_error text
);
-- A scheduled report is made once per district and period, whichever node's job runs first.
create unique index situation_reports_scheduled on situation_reports (district, period, start_date) where trigger = 'schedule';
create index situation_reports_made on situation_reports (made_at);

create table situation_subscriptions (
  id uuid primary key,
  district text not null,
  periods text[] not null,
  -- the principal's name and person who subscribed (they receive it on their event stream)
  subscriber text not null,
  person_id text not null,
  -- also POSTed here, signed like offers (X-Vigil-Signature with VIGIL_WEBHOOK_SECRET)
  webhook_url text,
  created_at timestamptz not null default now(),
  unique (district, subscriber)
);

create table situation_deliveries (
  report_id uuid not null references situation_reports(id) on delete cascade,
  subscription_id uuid not null references situation_subscriptions(id) on delete cascade,
  channel text not null check (channel in ('stream', 'webhook')),
  status text not null check (status in ('sent', 'failed')),
  error text,
  at timestamptz not null default now(),
  primary key (report_id, subscription_id, channel)
);
