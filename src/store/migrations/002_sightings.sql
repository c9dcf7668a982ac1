-- Sightings: one row per tracked object (person, vehicle) per camera pass, for investigators' search.
create table sightings (
  id uuid primary key,
  camera_id text not null references cameras(id),
  label text not null,
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  box jsonb not null,
  score real not null,
  plate text,
  crop bytea,
  created_at timestamptz not null default now()
);
create index sightings_time on sightings (first_seen);
create index sightings_camera_label_time on sightings (camera_id, label, first_seen);
create index sightings_plate on sightings (plate);
