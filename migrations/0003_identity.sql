-- Identity (owned by src/modules/identity): accounts, sessions, sign-in attempts, contact details.
CREATE SCHEMA IF NOT EXISTS identity;

CREATE TABLE identity.accounts (
  id              text        PRIMARY KEY,
  role            text        NOT NULL CHECK (role IN ('resident', 'official', 'operator', 'auditor')),
  resident_id     bigint      UNIQUE,          -- residents only; the registry's resident id
  staff_id        text        UNIQUE,          -- government staff only; their GPKI employee id
  agency_code     text,                        -- officials, operators, auditors: their organisation
  display_name_ko text        NOT NULL,
  display_name_en text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'resident') = (resident_id IS NOT NULL)),
  CHECK ((role = 'resident') = (staff_id IS NULL))
);

-- Only a hash of the session token is stored: a leaked table cannot be replayed as cookies.
CREATE TABLE identity.sessions (
  token_hash    bytea       PRIMARY KEY,
  account_id    text        NOT NULL REFERENCES identity.accounts (id),
  authenticator text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz
);
CREATE INDEX sessions_account_idx ON identity.sessions (account_id);

-- A sign-in in flight: the state and nonce sent to the authenticator, bound to one browser.
CREATE TABLE identity.sign_in_attempts (
  state         text        PRIMARY KEY,
  nonce         text        NOT NULL,
  authenticator text        NOT NULL,
  return_to     text        NOT NULL,
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz
);

CREATE TABLE identity.contact_details (
  account_id  text        PRIMARY KEY REFERENCES identity.accounts (id),
  email       text,
  phone       text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
