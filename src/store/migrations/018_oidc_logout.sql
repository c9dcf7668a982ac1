-- The identity provider's ID token of a session that came from it: sent back as id_token_hint when the user
-- signs out, so the provider ends its own session too (RP-initiated logout). Cleared when the session ends.
alter table user_sessions add column id_token text;
