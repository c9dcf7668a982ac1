-- Plate colour and the vehicle's type and colour on plate reads; the vehicle's colour on sightings (their type is the label).
-- Null: not classified (older rows, no object analysis); 'unknown': classified without a clear answer.
alter table plate_reads add column plate_colour text check (plate_colour in ('blue', 'yellow', 'green', 'white', 'black', 'unknown'));
alter table plate_reads add column vehicle_type text;
alter table plate_reads add column vehicle_colour text;
alter table sightings add column vehicle_colour text;
