-- Scoped roles (issue 15): a unit's district, a phone's fix accuracy, verdicts counted per person, case grants.

-- The district whose command room a unit answers to; null: the district of the cameras in its home grid.
alter table units add column district text;
-- How far off the last fix may be (metres, the browser's coords.accuracy), when the device says.
alter table units add column accuracy_m double precision;
alter table unit_positions add column accuracy_m double precision;

-- Four eyes means two people: a verdict is one per person (a user's id, or a device token's id), not per name.
alter table alert_dispositions add column person_id text;
update alert_dispositions set person_id = actor;
alter table alert_dispositions alter column person_id set not null;
alter table alert_dispositions drop constraint alert_dispositions_pkey;
alter table alert_dispositions add primary key (alert_id, person_id);

-- What a case lets its investigators search beyond their own scope (granted by an admin, audited).
alter table cases add column grant_districts text[] not null default '{}';
alter table cases add column grant_cameras text[] not null default '{}';
