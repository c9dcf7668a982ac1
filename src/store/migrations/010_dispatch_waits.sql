-- Alerts waiting for a free unit: recorded when no unit could be offered, ended when one is (or the alert is dismissed).
create table dispatch_waits (
  id uuid primary key,
  alert_id uuid not null references alerts(id),
  -- The attempt the offer takes when a unit frees up.
  attempt int not null,
  since timestamptz not null default now(),
  ended_at timestamptz,
  outcome text check (outcome in ('offered', 'dismissed')),
  -- The unit it was offered to, and how long it waited (seconds), once offered.
  unit_id text references units(id),
  waited_s double precision
);
-- One open wait per alert: a retried dispatch job finds the wait it recorded.
create unique index dispatch_waits_open on dispatch_waits (alert_id) where ended_at is null;
create index dispatch_waits_alert on dispatch_waits (alert_id);

-- A delivery claimed but not yet confirmed sent (the job stopped in between) is sent again by the retry:
-- at least once, with the delivery id (alert, unit, attempt) for the receiver to drop a repeat.
alter table deliveries add column pending boolean not null default false;
