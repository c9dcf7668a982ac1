-- Hotlist entries narrowed by the plate's colour, or (with a pattern) by a vehicle description: type and/or colour.
-- Null: the entry does not narrow by it. Values are Vigil's words (src/domain/vehicle-attributes.ts).
alter table hotlist add column plate_colour text check (plate_colour in ('blue', 'yellow', 'green', 'white', 'black'));
alter table hotlist add column vehicle_type text check (vehicle_type in ('car', 'truck', 'bus', 'motorcycle'));
alter table hotlist add column vehicle_colour text
  check (vehicle_colour in ('white', 'black', 'grey', 'silver', 'red', 'blue', 'yellow', 'green', 'brown'));
alter table hotlist add constraint hotlist_description_with_pattern
  check ((vehicle_type is null and vehicle_colour is null) or pattern is not null);
