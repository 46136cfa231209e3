-- MyData consent (owned by src/modules/consent): a resident's consent for one recipient subsystem
-- to fetch whole data products about them through the exchange, with its signed artefact (the
-- India Account Aggregator / GovStack fields, JWS with the platform key) and every use.

CREATE SCHEMA IF NOT EXISTS consent;

CREATE TABLE consent.consents (
  id                  text        PRIMARY KEY,                 -- CNS-<uuid>
  resident_id         bigint      NOT NULL,                    -- the data subject (registry resident id, never the RRN)
  recipient_subsystem text        NOT NULL,                    -- INSTANCE/CLASS/MEMBER/SUBSYSTEM (the directory's id, copied)
  purpose_code        text        NOT NULL,
  purpose_text        text        NOT NULL CHECK (length(purpose_text) BETWEEN 1 AND 500),
  data_types          text[]      NOT NULL CHECK (cardinality(data_types) BETWEEN 1 AND 20),
  consent_start       timestamptz NOT NULL,
  consent_expiry      timestamptz NOT NULL CHECK (consent_expiry > consent_start),
  consent_mode        text        NOT NULL CHECK (consent_mode IN ('VIEW', 'STORE')),
  fetch_type          text        NOT NULL CHECK (fetch_type IN ('ONETIME', 'PERIODIC')),
  frequency_unit      text        CHECK (frequency_unit IN ('DAY', 'WEEK', 'MONTH', 'YEAR')),
  frequency_value     integer     CHECK (frequency_value BETWEEN 1 AND 100),
  data_life_unit      text        NOT NULL CHECK (data_life_unit IN ('DAY', 'MONTH', 'YEAR')),
  data_life_value     integer     NOT NULL CHECK (data_life_value BETWEEN 0 AND 3650),
  -- EXPIRED is never stored: it follows from consent_expiry.
  status              text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'PAUSED', 'REVOKED')),
  artefact            jsonb       NOT NULL,                    -- exactly what was signed
  signed_artefact     text        NOT NULL,                    -- compact JWS (EdDSA, platform key)
  use_count           integer     NOT NULL DEFAULT 0 CHECK (use_count >= 0),
  last_used_at        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  status_changed_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((fetch_type = 'PERIODIC') = (frequency_unit IS NOT NULL AND frequency_value IS NOT NULL))
);
CREATE INDEX consents_resident ON consent.consents (resident_id, created_at DESC);
CREATE INDEX consents_recipient ON consent.consents (recipient_subsystem, resident_id);

-- Each use of a consent by the exchange (ConsentUse), written in the exchange read's transaction.
CREATE TABLE consent.uses (
  id          bigserial   PRIMARY KEY,
  consent_id  text        NOT NULL REFERENCES consent.consents (id),
  product_id  text        NOT NULL,
  used_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uses_consent ON consent.uses (consent_id, used_at);
