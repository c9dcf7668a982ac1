-- Incident offers over webhook and MQTT, claimed per leg and channel before sending and noted after: a delivery
-- job stopped in between sends again on its retry (at least once), and a finished one is never sent twice.
create table incident_deliveries (
  leg_id uuid not null references incident_legs(id),
  channel text not null check (channel in ('webhook', 'mqtt')),
  -- claimed and not yet confirmed sent
  pending boolean not null default true,
  claimed_at timestamptz not null default now(),
  delivered_at timestamptz,
  detail text,
  primary key (leg_id, channel)
);
