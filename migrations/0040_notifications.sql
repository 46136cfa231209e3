-- Notifications (owned by src/modules/notifications): residents' inbox notifications, one
-- delivery per channel (email, SMS) with GOV.UK Notify statuses, every delivery attempt, and
-- residents' notification preferences (categories they opted out of, language of notices).
CREATE SCHEMA IF NOT EXISTS notifications;

CREATE TABLE notifications.notifications (
  id              text        PRIMARY KEY,                -- NTF-<uuid>
  resident_id     bigint      NOT NULL,                   -- the registry's resident id
  category        text        NOT NULL CHECK (category IN ('child', 'elderly', 'disability', 'income-support', 'employment', 'health', 'housing', 'general')),
  template_id     text        NOT NULL,
  personalisation jsonb       NOT NULL,
  locale          text        NOT NULL CHECK (locale IN ('ko', 'en')),  -- the language of email and SMS
  -- Rendered once, when sent, in both languages: later template edits never rewrite a notice.
  title_ko        text        NOT NULL,
  title_en        text        NOT NULL,
  body_ko         text        NOT NULL,
  body_en         text        NOT NULL,
  sms_ko          text        NOT NULL,
  sms_en          text        NOT NULL,
  link            text,
  reference       text,
  -- A retried send (crash, redelivered event) finds the notification it already made.
  idempotency_key text        NOT NULL UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  read_at         timestamptz
);
CREATE INDEX notifications_resident_idx ON notifications.notifications (resident_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications.notifications (resident_id) WHERE read_at IS NULL;
CREATE INDEX notifications_reference_idx ON notifications.notifications (reference) WHERE reference IS NOT NULL;

CREATE TABLE notifications.deliveries (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  notification_id text        NOT NULL REFERENCES notifications.notifications (id),
  channel         text        NOT NULL CHECK (channel IN ('email', 'sms')),
  address         text        NOT NULL,                   -- as it was when the notice was sent
  status          text        NOT NULL DEFAULT 'created'
                  CHECK (status IN ('created', 'sending', 'delivered', 'temporary-failure', 'permanent-failure', 'technical-failure')),
  attempts        integer     NOT NULL DEFAULT 0,
  -- When a worker may (next) take it: due now for 'created', the backoff for a retry, the end of
  -- the lease for 'sending' (a worker that stops mid-send leaves it to be taken again). NULL: final.
  next_attempt_at timestamptz DEFAULT now(),
  claim_token     uuid,
  claimed_by      text,
  last_error      text,
  provider        text,
  provider_reference text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz,
  UNIQUE (notification_id, channel),
  CHECK ((next_attempt_at IS NULL) = (completed_at IS NOT NULL)),
  CHECK (completed_at IS NULL OR status IN ('delivered', 'permanent-failure', 'temporary-failure'))
);
CREATE INDEX deliveries_due_idx ON notifications.deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;

CREATE TABLE notifications.delivery_attempts (
  delivery_id     bigint      NOT NULL REFERENCES notifications.deliveries (id),
  attempt         integer     NOT NULL,
  worker          text        NOT NULL,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  outcome         text        CHECK (outcome IN ('delivered', 'temporary-failure', 'permanent-failure', 'technical-failure')),
  error           text,
  retry_at        timestamptz,                            -- the backoff chosen after this attempt
  PRIMARY KEY (delivery_id, attempt)
);

CREATE TABLE notifications.preferences (
  resident_id     bigint      PRIMARY KEY,
  opted_out       text[]      NOT NULL DEFAULT '{}',
  locale          text        CHECK (locale IN ('ko', 'en')),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
