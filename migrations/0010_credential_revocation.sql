-- Revoking an exchange client credential (src/modules/exchange): who revoked it and why, kept with
-- the credential; the audit log has the same, chained.
ALTER TABLE exchange.client_credentials
  ADD COLUMN revoked_by text,
  ADD COLUMN revocation_reason text CHECK (length(revocation_reason) BETWEEN 1 AND 500),
  ADD CONSTRAINT revocation_complete CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND (revoked_at IS NULL) = (revocation_reason IS NULL));
