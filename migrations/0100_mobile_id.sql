-- Mobile ID (owned by src/modules/mobile-id): the Mobile Resident Registration Card as an SD-JWT VC
-- bound to a device key. The platform keeps what it needs to answer "is this card still valid?"
-- online (issuance, device key thumbprint, status-list index, revocation), the verifiers' one-time
-- requests (nonce, audience, requested attributes; used once), and the server-side SIMULATED
-- phones of the demo portal. The credential's attribute values are not stored here: they stay in
-- the registry and on the device.
CREATE SCHEMA IF NOT EXISTS mobile_id;

CREATE SEQUENCE mobile_id.status_index_seq MINVALUE 0 START 0;

CREATE TABLE mobile_id.credentials (
  id                  text        PRIMARY KEY,                         -- MID-<uuid>
  resident_id         bigint      NOT NULL,                            -- registry resident id, never the RRN
  status_index        integer     NOT NULL UNIQUE DEFAULT nextval('mobile_id.status_index_seq'),
  device_thumbprint   text        NOT NULL,                            -- RFC 7638 thumbprint of cnf.jwk
  device_label        text        CHECK (length(device_label) <= 100),
  issued_at           timestamptz NOT NULL,
  expires_at          timestamptz NOT NULL CHECK (expires_at > issued_at),
  revoked_at          timestamptz,
  revocation_reason   text        CHECK (revocation_reason IN ('lost', 'stolen', 'replaced', 'other')),
  CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
ALTER SEQUENCE mobile_id.status_index_seq OWNED BY mobile_id.credentials.status_index;
CREATE INDEX credentials_resident ON mobile_id.credentials (resident_id, issued_at DESC);
-- One card in use per resident: issuing to a new phone replaces (revokes) the old one.
CREATE UNIQUE INDEX credentials_one_active ON mobile_id.credentials (resident_id) WHERE revoked_at IS NULL;

CREATE TABLE mobile_id.verification_requests (
  id             text        PRIMARY KEY,                              -- MVR-<uuid>
  nonce          text        NOT NULL UNIQUE,
  audience       text        NOT NULL CHECK (length(audience) BETWEEN 1 AND 200),
  verifier_name  text        NOT NULL CHECK (length(verifier_name) BETWEEN 1 AND 100),
  attributes     text[]      NOT NULL CHECK (cardinality(attributes) BETWEEN 1 AND 10),
  created_by     text        NOT NULL,                                 -- account id, or 'anonymous'
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  -- A request is answered once: the first presentation sent for it uses it up, valid or not.
  used_at        timestamptz,
  credential_id  text        REFERENCES mobile_id.credentials (id),
  outcome        text        CHECK (outcome IN ('valid', 'rejected'))
);
CREATE INDEX verification_requests_expiry ON mobile_id.verification_requests (expires_at);

-- DEMO ONLY: the portal's "simulated phone". A real device keeps its private key in its secure
-- element and never gives it to anyone; here the server plays the phone so the flow can be tried
-- in a browser without an app.
CREATE TABLE mobile_id.simulated_devices (
  credential_id  text        PRIMARY KEY REFERENCES mobile_id.credentials (id),
  resident_id    bigint      NOT NULL,
  holder_state   jsonb       NOT NULL,                                 -- device private JWK + the SD-JWT VC
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX simulated_devices_resident ON mobile_id.simulated_devices (resident_id, created_at DESC);
