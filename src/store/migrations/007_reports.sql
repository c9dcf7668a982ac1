-- Unit telemetry from MQTT (heading and speed kept with each fix) and an index for the response-time report.
alter table units add column heading double precision;
alter table units add column speed_kmh double precision;
alter table unit_positions add column heading double precision;
alter table unit_positions add column speed_kmh double precision;
-- The report joins assignments to the alerts of a period; (alert_id, attempt) already serves the join,
-- this serves "who acknowledged or arrived when" scans without reading offered-only rows.
create index assignments_alert_answered on assignments (alert_id) where acknowledged_at is not null or arrived_at is not null;
