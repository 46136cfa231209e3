-- The once-only exchange (owned by src/modules/exchange) and the platform's signing key (src/core/keys.ts).

-- The platform's Ed25519 signing key(s), created once by the first process that needs one and
-- shared by every process. The private key is stored as a JWK in the database: acceptable for this
-- stage (the database is already the trust anchor of the audit log); an HSM or KMS replaces it later.
CREATE SCHEMA IF NOT EXISTS platform;

CREATE TABLE platform.signing_keys (
  kid         text        PRIMARY KEY,            -- RFC 7638 JWK thumbprint (SHA-256) of the public key
  public_jwk  jsonb       NOT NULL,
  private_jwk jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz                          -- still served in the JWKS, no longer used to sign
);

CREATE SCHEMA IF NOT EXISTS exchange;

-- Per-subsystem API credentials: only the SHA-256 of the random secret is kept; the secret is
-- shown once, when an operator issues it.
CREATE TABLE exchange.client_credentials (
  id            text        PRIMARY KEY,
  subsystem_id  text        NOT NULL,              -- INSTANCE/CLASS/MEMBER/SUBSYSTEM (the directory's id, copied)
  secret_sha256 bytea       NOT NULL UNIQUE CHECK (length(secret_sha256) = 32),
  issued_by     text        NOT NULL,
  issued_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz
);
CREATE INDEX client_credentials_subsystem ON exchange.client_credentials (subsystem_id);

-- Monthly request counts per client subsystem × data product, updated in the same transaction as
-- each exchange request's audit entry. Spread over a few shard rows so concurrent requests of the
-- same client and product do not queue on one row lock; readers sum the shards. No personal data.
CREATE TABLE exchange.monthly_counts (
  month            date     NOT NULL CHECK (extract(day FROM month) = 1),   -- first day of the month (Korea time)
  client_subsystem text     NOT NULL,
  client_agency    text     NOT NULL,
  product_id       text     NOT NULL,
  shard            smallint NOT NULL CHECK (shard BETWEEN 0 AND 15),
  allowed          bigint   NOT NULL DEFAULT 0 CHECK (allowed >= 0),
  denied           bigint   NOT NULL DEFAULT 0 CHECK (denied >= 0),
  PRIMARY KEY (month, client_subsystem, product_id, shard)
);
