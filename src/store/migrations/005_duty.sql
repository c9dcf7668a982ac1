-- Duty levels: every switch of the command room's level (who, why, from what), and on each alert the level it was raised under.

-- Append-only history; the current level is the latest row (or the configured initial level when there is none).
create table duty_changes (
  id bigint generated always as identity primary key,
  level text not null check (level in ('normal', 'enhanced', 'wartime')),
  previous text not null check (previous in ('normal', 'enhanced', 'wartime')),
  changed_by text not null,
  role text not null,
  reason text not null check (reason <> ''),
  at timestamptz not null default now()
);

-- Null on alerts raised before duty levels were recorded.
alter table alerts add column duty_level text check (duty_level in ('normal', 'enhanced', 'wartime'));

-- Plate alerts now record their confirmations too: 0 = dispatched at once, 1 = an operator confirms first.
alter table alerts drop constraint alerts_confirmations_required_check;
alter table alerts add constraint alerts_confirmations_required_check check (confirmations_required between 0 and 2);
-- Every plate alert so far was dispatched at once.
update alerts set confirmations_required = 0 where kind = 'plate';
