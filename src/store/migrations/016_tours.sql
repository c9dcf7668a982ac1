-- Video patrol tours: plans (cameras or camera groups, dwell, order, hours, layout), the log of what was watched
-- by whom and for how long, the operators' marks (a snapshot with a note), and shift handovers.
create table tour_plans (
  id uuid primary key,
  name text not null check (name <> ''),
  -- in order: {"camera": id} or {"district": d, "grid"?: g} (a group, expanded to its cameras by id)
  items jsonb not null,
  dwell_s int not null check (dwell_s between 3 and 3600),
  layout int not null check (layout in (1, 4, 9)),
  -- active hours, local time HH:MM; a tour whose end is before its start crosses midnight
  active_from text not null,
  active_to text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  archived_at timestamptz
);

create table tour_views (
  id uuid primary key,
  plan_id uuid not null references tour_plans(id),
  camera_id text not null references cameras(id),
  person_id text not null,
  person_name text not null,
  -- the named shift and the local date it began on (a night shift after midnight belongs to the day before)
  shift text not null,
  shift_date date not null,
  started_at timestamptz not null,
  ended_at timestamptz not null check (ended_at >= started_at),
  -- the operator held the wall on this camera
  paused boolean not null default false
);
create index tour_views_plan_shift on tour_views (plan_id, shift_date, shift);

create table tour_marks (
  id uuid primary key,
  plan_id uuid references tour_plans(id),
  camera_id text not null references cameras(id),
  person_id text not null,
  person_name text not null,
  role text not null,
  note text not null check (note <> ''),
  snapshot bytea,
  -- 'page': the frame on the operator's screen; 'camera': grabbed from the camera by the server
  snapshot_source text,
  shift text not null,
  shift_date date not null,
  status text not null default 'open' check (status in ('open', 'raised', 'closed')),
  incident_id uuid references incidents(id),
  created_at timestamptz not null default now(),
  closed_by text,
  closed_at timestamptz,
  close_note text
);
create index tour_marks_open on tour_marks (status) where status <> 'closed';
alter table incidents add constraint incidents_mark_fk foreign key (mark_id) references tour_marks(id);

create table tour_handovers (
  id uuid primary key,
  shift text not null,
  shift_date date not null,
  from_person text not null,
  from_name text not null,
  to_name text,
  note text not null default '',
  -- the open marks and incidents handed over: {"marks": [...ids], "incidents": [...ids]}
  items jsonb not null,
  at timestamptz not null default now()
);
