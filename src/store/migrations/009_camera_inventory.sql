-- The camera inventory in the database: every field of the YAML camera schema, so cameras are added,
-- changed, disabled and removed through the API (src/api/routes/cameras.ts) without a restart.

-- Rows mirrored from YAML before this migration have no source: the next start fills them from the YAML.
alter table cameras add column source text;
alter table cameras add column lanes int not null default 1 check (lanes between 1 and 16);
alter table cameras add column enabled boolean not null default true;
-- The YAML camera schema's `analysis` object, as parsed (defaults filled in).
alter table cameras add column analysis jsonb not null default '{}';
-- Removed cameras keep their row: plate reads, alerts and segments still reference them.
alter table cameras add column removed_at timestamptz;
-- Bumped by every change, so a node can tell whether the camera it runs was changed.
alter table cameras add column version bigint not null default 1;
alter table cameras add column created_at timestamptz not null default now();
alter table cameras add constraint cameras_checkpoint_level check (checkpoint_level is null or checkpoint_level between 1 and 3);
