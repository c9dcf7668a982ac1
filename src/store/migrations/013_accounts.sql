-- Named user accounts (password and/or OpenID Connect), their sign-in sessions (cookies), and sign-in throttling.

create table users (
  id uuid primary key,
  -- Lower-case, as typed at sign-in; unique.
  username text not null unique,
  display_name text not null,
  -- One or more of the token roles (admin, operator, investigator, checkpoint, unit, maintenance).
  roles text[] not null check (cardinality(roles) >= 1),
  -- The unit id of a patrol officer's account, the checkpoint camera id of checkpoint staff; else null.
  subject text,
  -- {"districts": [...], "cameras": [...]}, or null: everywhere.
  scope jsonb,
  -- scrypt$N$r$p$salt$hash (src/accounts/password-hash.ts); null for an account that signs in only through OIDC.
  password_hash text,
  must_change_password boolean not null default true,
  password_changed_at timestamptz,
  failed_attempts int not null default 0,
  locked_until timestamptz,
  -- TOTP (RFC 6238): the base32 secret once confirmed; the pending one while enrolling; the last step used (no replay).
  totp_secret text,
  totp_pending_secret text,
  totp_last_step bigint,
  -- The OpenID Connect identity this account is (issuer + sub), when it came from the identity provider.
  oidc_issuer text,
  oidc_subject text,
  created_at timestamptz not null default now(),
  disabled_at timestamptz,
  unique (oidc_issuer, oidc_subject)
);

create table user_sessions (
  id uuid primary key,
  user_id uuid not null references users (id),
  -- sha256 of the cookie's secret: the secret itself is only in the browser.
  secret_hash text not null unique,
  -- The CSRF token writes must echo in X-CSRF-Token (a synchronizer token, also in a readable cookie).
  csrf_token text not null,
  -- 'password' or 'oidc'.
  method text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  -- The absolute end; the idle end is last_seen_at + accounts.session.idleMinutes.
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by text,
  ip text,
  user_agent text
);
create index user_sessions_user on user_sessions (user_id, created_at desc);
