-- Single sign-on (owned by src/modules/sso): OnceGov as an OpenID Connect provider.
CREATE SCHEMA IF NOT EXISTS sso;

-- Relying parties (agencies, partner channels) registered by the platform operator. A
-- confidential client's secret is kept only as its SHA-256; a public client has none and must
-- use PKCE (as every client must).
CREATE TABLE sso.clients (
  client_id      text        PRIMARY KEY CHECK (client_id ~ '^[a-z0-9][a-z0-9._-]{2,62}$'),
  name_ko        text        NOT NULL,
  name_en        text        NOT NULL,
  kind           text        NOT NULL CHECK (kind IN ('agency', 'partner')),
  redirect_uris  text[]      NOT NULL CHECK (cardinality(redirect_uris) BETWEEN 1 AND 10),
  post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
  scopes         text[]      NOT NULL,
  secret_sha256  text,                       -- NULL: a public client (token_endpoint_auth_method none)
  created_by     text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- oidc-provider's models (sessions, interactions, grants, authorization codes, tokens): one
-- row per model instance, its payload as the provider hands it over, so every process of the
-- platform shares them and they survive a restart.
CREATE TABLE sso.provider_records (
  model       text        NOT NULL,
  id          text        NOT NULL,
  payload     jsonb       NOT NULL,
  grant_id    text,
  uid         text,
  user_code   text,
  expires_at  timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX provider_records_grant_idx ON sso.provider_records (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX provider_records_uid_idx ON sso.provider_records (model, uid) WHERE uid IS NOT NULL;
CREATE INDEX provider_records_expiry_idx ON sso.provider_records (expires_at);

-- ID-token signing keys (Ed25519). The newest unretired key signs; older unretired keys stay in
-- the published JWKS so tokens signed before a rotation still verify; a retired key is gone.
CREATE TABLE sso.signing_keys (
  kid         text        PRIMARY KEY,
  public_jwk  jsonb       NOT NULL,
  private_jwk jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  created_by  text        NOT NULL,
  retired_at  timestamptz
);

-- Secrets every process shares (the keys that sign oidc-provider's cookies).
CREATE TABLE sso.secrets (
  name       text        PRIMARY KEY,
  value      text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
