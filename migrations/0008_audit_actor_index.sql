-- The exchange log of the staff console (/console/exchange-log): an agency's exchange requests,
-- as client (the audit entry's organisation) and as data holder (the member of the provider
-- subsystem in the entry's details), newest first, by period. One index per side, so the query
-- (AuditLog.listByOrganisation) is a bitmap OR of two index scans, never a scan of the whole log.
CREATE INDEX entries_actor_org_idx ON audit.entries (actor_org, action, occurred_at DESC)
  WHERE actor_org IS NOT NULL;
CREATE INDEX entries_exchange_provider_idx ON audit.entries ((split_part(details->>'providerSubsystem', '/', 3)), occurred_at DESC)
  WHERE action = 'exchange.read';
