-- Footage search at scale: trigram index for partial plates (pg_trgm), direction of travel on plate reads.

-- pg_trgm is a trusted contrib extension: the database owner may create it. PGlite loads it in openDb().
create extension if not exists pg_trgm;

-- Partial plate search (`A1?3*` becomes LIKE '%A1_3%'): the GIN trigram index serves any pattern with
-- a run of three known characters; shorter patterns must be narrowed by time or camera (the repository says so).
create index plate_reads_plate_trgm on plate_reads using gin (plate gin_trgm_ops);

-- The compass direction a camera looks (config `facing`); `heading` stays the direction traffic travels
-- past a camera on a one-way road (as interception reads it).
alter table cameras add column facing double precision check (facing >= 0 and facing < 360);

-- How the plate moved over its pass: its box grew (approaching the camera) or shrank (receding).
alter table plate_reads add column motion text check (motion in ('approaching', 'receding'));
-- Compass direction of travel in degrees (0 = north, 90 = east): with the camera's facing, receding
-- vehicles travel along it and approaching ones against it; without it, the one-way heading; else null.
alter table plate_reads add column direction real check (direction >= 0 and direction < 360);

-- Reads arrive in time order, so a BRIN index on first_seen is tiny and exact enough to AND with the
-- trigram bitmap: a partial search walks back window by window and fetches only that window's candidates.
create index plate_reads_time_brin on plate_reads using brin (first_seen);
