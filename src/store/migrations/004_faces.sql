-- Face watchlists: subjects and their photos, authorisations for live matching, face sightings, face alerts, dispositions.

create table subjects (
  id uuid primary key,
  name text not null check (name <> ''),
  category text not null check (category in ('wanted_court', 'wanted_police', 'suspect', 'missing_vulnerable', 'at_risk')),
  reason text not null check (reason <> ''),
  -- Warrant, case or report number the listing rests on.
  reference text,
  added_by text not null,
  expires_at timestamptz not null,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- A deleted subject that alerts still point at stays as a tombstone without photos or embeddings.
  deleted_at timestamptz,
  deleted_by text
);
create index subjects_live on subjects (active, expires_at) where deleted_at is null;

-- One row per enrolled photo: the image as uploaded, where it came from, and its embedding.
-- Embeddings are real[] rather than pgvector: the gallery searches in process (rebuilt from these
-- rows at start), and real[] works on every PostgreSQL and on PGlite without an extension.
create table subject_photos (
  id uuid primary key,
  subject_id uuid not null references subjects(id) on delete cascade,
  source text not null check (source <> ''),
  image bytea not null,
  image_type text not null,
  sha256 text not null,
  box jsonb not null,
  quality real not null,
  embedding real[] not null,
  -- The embedder that made the embedding: another model means enrolling again.
  model text not null,
  added_by text not null,
  created_at timestamptz not null default now(),
  unique (subject_id, sha256)
);
create index subject_photos_subject on subject_photos (subject_id);

create table face_authorisations (
  id uuid primary key,
  approved_by text not null check (approved_by <> ''),
  legal_reference text not null check (legal_reference <> ''),
  cameras text[] not null default '{}',
  districts text[] not null default '{}',
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  created_by text not null,
  -- The watchlist as it stood when the authorisation began: only these subjects match under it.
  snapshot_subjects uuid[],
  snapshot_hash text,
  snapshot_at timestamptz,
  ended_at timestamptz,
  ended_by text,
  end_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at > starts_at),
  check (cardinality(cameras) + cardinality(districts) > 0)
);
create index face_authorisations_window on face_authorisations (starts_at, ends_at) where ended_at is null;

-- One row per face track seen under an authorisation and kept: matched faces (with their alert),
-- or unmatched ones while the configured retention window lasts (expires_at).
create table face_sightings (
  id uuid primary key,
  camera_id text not null references cameras(id),
  authorisation_id uuid not null references face_authorisations(id),
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  captured_at timestamptz not null,
  box jsonb not null,
  quality real not null,
  frames int not null,
  embedding real[] not null,
  crop bytea,
  matched boolean not null default false,
  -- Null: kept as long as its alert (matched); otherwise removed by the purge after this time.
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  check (matched or expires_at is not null)
);
create index face_sightings_time on face_sightings (first_seen);
create index face_sightings_expiry on face_sightings (expires_at) where expires_at is not null;

-- Alerts grow a face kind: subject, face sighting, score. Plate alerts keep their columns and rules.
alter table alerts alter column plate_read_id drop not null;
alter table alerts alter column hotlist_id drop not null;
-- plate stays not null: face alerts store '' there, so SQL that builds text from it (footage holds) keeps working.
alter table alerts add column subject_id uuid references subjects(id);
alter table alerts add column face_sighting_id uuid references face_sightings(id);
alter table alerts add column authorisation_id uuid references face_authorisations(id);
alter table alerts add column score real;
-- Distinct people who must confirm before anyone is sent (face alerts; plate alerts dispatch at once).
alter table alerts add column confirmations_required int not null default 1 check (confirmations_required between 1 and 2);
alter table alerts add constraint alerts_kind_known check (kind in ('plate', 'face'));
alter table alerts add constraint alerts_kind_refs check (
  (kind = 'plate' and plate_read_id is not null and hotlist_id is not null)
  or (kind = 'face' and subject_id is not null and face_sighting_id is not null and score is not null)
);
create unique index alerts_face_once on alerts (face_sighting_id, subject_id) where kind = 'face';
create index alerts_subject on alerts (subject_id) where subject_id is not null;

-- Every verdict on an alert: who, when, which, why. One per person per alert, so two confirmations
-- are two people.
create table alert_dispositions (
  alert_id uuid not null references alerts(id),
  actor text not null,
  role text not null,
  verdict text not null check (verdict in ('confirm', 'dismiss')),
  reason text not null check (reason <> ''),
  at timestamptz not null default now(),
  primary key (alert_id, actor)
);
