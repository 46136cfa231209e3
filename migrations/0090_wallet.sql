-- The document wallet and verifiable e-certificates (owned by src/modules/wallet): each issuing
-- agency's Ed25519 key (Multikey), its Bitstring Status Lists, every credential it issued (the
-- resident's wallet lists them) and every share of a credential with a recipient under a MyData
-- consent (the consent module keeps the consent and counts its uses).

CREATE SCHEMA IF NOT EXISTS wallet;

CREATE TABLE wallet.issuer_keys (
  agency             text        NOT NULL,                     -- issuing agency code, e.g. NTS
  key_id             text        NOT NULL,                     -- fragment of the verification method, e.g. key-1
  public_multibase   text        NOT NULL,                     -- z6Mk… (multicodec ed25519-pub, base58btc)
  secret_multibase   text        NOT NULL,                     -- stage note: kept here like platform.signing_keys; an HSM/KMS later
  created_at         timestamptz NOT NULL DEFAULT now(),
  retired_at         timestamptz,
  PRIMARY KEY (agency, key_id)
);

CREATE TABLE wallet.status_lists (
  id             text        PRIMARY KEY,                      -- <AGENCY>-revocation-<n>
  agency         text        NOT NULL,
  status_purpose text        NOT NULL CHECK (status_purpose IN ('revocation')),
  length_bits    integer     NOT NULL CHECK (length_bits >= 131072 AND length_bits % 8 = 0),
  allocated      integer     NOT NULL DEFAULT 0 CHECK (allocated >= 0),
  -- Bit i of the published list (i = 0 is the leftmost bit of the first byte) is stored in
  -- Postgres bit (i / 8) * 8 + 7 - i % 8 (get_bit/set_bit count from the right within a byte).
  bits           bytea       NOT NULL,
  revision       bigint      NOT NULL DEFAULT 0,               -- +1 on every flip: cached signed lists are stale
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (length(bits) * 8 = length_bits AND allocated <= length_bits)
);
CREATE INDEX status_lists_agency ON wallet.status_lists (agency, created_at DESC);

CREATE TABLE wallet.credentials (
  id                text        PRIMARY KEY,                   -- document URI urn:oncegov:doc:<Issuer>-<DocType>-<DocId>
  doc_type          text        NOT NULL,
  agency            text        NOT NULL,
  resident_id       bigint,                                    -- the holder (registry resident id), null for a business's certificate
  subject_id        text        NOT NULL,                      -- credentialSubject.id
  status_list_id    text        NOT NULL REFERENCES wallet.status_lists (id),
  status_index      integer     NOT NULL CHECK (status_index >= 0),
  credential        jsonb       NOT NULL,                      -- exactly as issued (with its proof)
  valid_from        timestamptz NOT NULL,
  valid_until       timestamptz NOT NULL CHECK (valid_until > valid_from),
  issued_at         timestamptz NOT NULL DEFAULT now(),
  issued_by         text        NOT NULL,
  revoked_at        timestamptz,
  revoked_by        text,
  revocation_reason text        CHECK (length(revocation_reason) BETWEEN 1 AND 500),
  UNIQUE (status_list_id, status_index),
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND (revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX credentials_resident ON wallet.credentials (resident_id, issued_at DESC) WHERE resident_id IS NOT NULL;

CREATE TABLE wallet.shares (
  id             text        PRIMARY KEY,                      -- SHR-<uuid>
  credential_id  text        NOT NULL REFERENCES wallet.credentials (id),
  resident_id    bigint      NOT NULL,
  recipient      text        NOT NULL,                         -- consumer subsystem INSTANCE/CLASS/MEMBER/SUBSYSTEM
  consent_id     text        NOT NULL,                         -- the MyData consent (consent module) that governs it
  product_id     text        NOT NULL,                         -- the data product the consent names
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shares_credential ON wallet.shares (credential_id, recipient, created_at DESC);
