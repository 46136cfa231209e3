-- Versions of rarely changing tables that hot paths keep in memory (src/core/change-versions.ts).
-- A statement-level trigger bumps a table's version in the same transaction as any change to it,
-- so a process that reads the version inside its own transaction knows exactly whether its cached
-- copy is still the committed state, on every instance, without a notification channel and
-- whoever made the change (a service, a migration or an operator at the psql prompt).
CREATE TABLE platform.change_versions (
  name    text   PRIMARY KEY,
  version bigint NOT NULL CHECK (version > 0)
);

CREATE FUNCTION platform.bump_change_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO platform.change_versions AS v (name, version) VALUES (TG_ARGV[0], 1)
    ON CONFLICT (name) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER bump_change_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON exchange.client_credentials
  FOR EACH STATEMENT EXECUTE FUNCTION platform.bump_change_version('exchange.client_credentials');
CREATE TRIGGER bump_change_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agreements.agreements
  FOR EACH STATEMENT EXECUTE FUNCTION platform.bump_change_version('agreements.agreements');
CREATE TRIGGER bump_change_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory.subsystems
  FOR EACH STATEMENT EXECUTE FUNCTION platform.bump_change_version('directory.subsystems');
