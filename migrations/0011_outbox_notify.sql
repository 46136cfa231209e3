-- Wakes the outbox dispatchers the moment a transaction that wrote events commits: NOTIFY is
-- delivered on commit (never for a rolled-back transaction) and coalesced within a transaction,
-- so the dispatcher neither polls fast nor misses an event published by another instance.
CREATE FUNCTION events.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('events_outbox', '');
  RETURN NULL;
END $$;

CREATE TRIGGER notify_outbox AFTER INSERT ON events.outbox FOR EACH STATEMENT EXECUTE FUNCTION events.notify_outbox();
