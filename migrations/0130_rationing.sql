-- Rationed distribution (owned by src/modules/rationing; issue 6 part 3, after the 2020 public
-- face-mask scheme): programmes (an item, a per-person limit per period, a purchase-day rule),
-- outlets (pharmacies) with their API keys, each outlet's stock per programme, every person's
-- purchases per period, and the sales log. Buyers are residents, referred to by id only.
CREATE SCHEMA IF NOT EXISTS rationing;

CREATE TABLE rationing.programmes (
  id               serial      PRIMARY KEY,
  slug             text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
  item_ko          text        NOT NULL,
  item_en          text        NOT NULL,
  limit_per_person integer     NOT NULL CHECK (limit_per_person BETWEEN 1 AND 1000),
  -- 'week' (Monday to Sunday, Korea time) or 'day'
  period           text        NOT NULL CHECK (period IN ('week', 'day')),
  -- the purchase-day rule as the module's DayRule (src/modules/rationing/rules.ts)
  day_rule         jsonb       NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rationing.outlets (
  id          serial  PRIMARY KEY,
  code        text    NOT NULL UNIQUE CHECK (code ~ '^[A-Z]{2}-[0-9]{2}-[0-9]{3,6}$'),
  name_ko     text    NOT NULL,
  name_en     text    NOT NULL,
  region_code text    NOT NULL CHECK (region_code ~ '^[0-9]{2}$'),
  address_ko  text    NOT NULL,
  address_en  text    NOT NULL,
  latitude    numeric(8, 5) NOT NULL CHECK (latitude BETWEEN 33 AND 39),
  longitude   numeric(8, 5) NOT NULL CHECK (longitude BETWEEN 124 AND 132)
);

-- One API key per outlet (issuing a new one replaces the old); only its SHA-256 is kept.
CREATE TABLE rationing.outlet_keys (
  outlet_id integer     PRIMARY KEY REFERENCES rationing.outlets (id),
  key_hash  bytea       NOT NULL UNIQUE,
  issued_at timestamptz NOT NULL DEFAULT now(),
  issued_by text        NOT NULL
);
CREATE TRIGGER bump_change_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rationing.outlet_keys
  FOR EACH STATEMENT EXECUTE FUNCTION platform.bump_change_version('rationing.outlet_keys');

-- Every change of any stock row takes the next number: the server-sent events' ids.
CREATE SEQUENCE rationing.stock_versions;

CREATE TABLE rationing.stock (
  programme_id    integer     NOT NULL REFERENCES rationing.programmes (id),
  outlet_id       integer     NOT NULL REFERENCES rationing.outlets (id),
  remaining       integer     NOT NULL CHECK (remaining >= 0),
  delivered_total integer     NOT NULL DEFAULT 0 CHECK (delivered_total >= 0),
  sold_total      integer     NOT NULL DEFAULT 0 CHECK (sold_total >= 0),
  version         bigint      NOT NULL DEFAULT nextval('rationing.stock_versions'),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (programme_id, outlet_id)
) WITH (fillfactor = 50); -- hot rows updated in place (HOT)
CREATE INDEX stock_version ON rationing.stock (programme_id, version);

-- How much each person has bought in each period: the row the per-person limit is enforced on.
CREATE TABLE rationing.allowances (
  programme_id integer NOT NULL REFERENCES rationing.programmes (id),
  resident_id  bigint  NOT NULL,
  period_start date    NOT NULL,
  bought       integer NOT NULL CHECK (bought >= 0),
  PRIMARY KEY (programme_id, resident_id, period_start)
);

CREATE TABLE rationing.sales (
  id           bigserial   PRIMARY KEY,
  programme_id integer     NOT NULL REFERENCES rationing.programmes (id),
  outlet_id    integer     NOT NULL REFERENCES rationing.outlets (id),
  resident_id  bigint      NOT NULL,
  quantity     integer     NOT NULL CHECK (quantity > 0),
  period_start date        NOT NULL,
  sold_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sales_resident ON rationing.sales (resident_id, sold_at DESC);

-- Sells a batch of requests in order (the caller sorts them by resident so that concurrent batches
-- take the allowance rows' locks in one order; the stock rows are locked first, in outlet order:
-- no two batches can then wait on each other in a cycle). Per item: the person's allowance for
-- the period goes up only while it stays within the limit (a conditional upsert: a concurrent
-- sale to the same person waits for the row and re-checks against the committed total); then the
-- outlet's stock goes down only while it stays at or above zero, else the allowance is given back.
-- Outcomes: 'sold', 'over-limit', 'out-of-stock'. One NOTIFY per batch carries the new stock of
-- every outlet that sold: [programme, outlet, remaining, version, updated_at in epoch ms].
CREATE FUNCTION rationing.sell_batch(p_programme integer, p_limit integer, p_period_start date,
                                     p_outlets integer[], p_residents bigint[], p_quantities integer[])
RETURNS TABLE (o_index integer, o_outcome text, o_bought integer, o_remaining integer)
LANGUAGE plpgsql AS $$
DECLARE
  i integer;
  v_bought integer;
  v_remaining integer;
  v_changed integer[] := '{}';
BEGIN
  PERFORM 1 FROM rationing.stock s
    WHERE s.programme_id = p_programme AND s.outlet_id = ANY (p_outlets)
    ORDER BY s.outlet_id FOR UPDATE;
  FOR i IN 1 .. coalesce(array_length(p_outlets, 1), 0) LOOP
    o_index := i;
    INSERT INTO rationing.allowances AS a (programme_id, resident_id, period_start, bought)
      VALUES (p_programme, p_residents[i], p_period_start, p_quantities[i])
      ON CONFLICT (programme_id, resident_id, period_start)
        DO UPDATE SET bought = a.bought + excluded.bought WHERE a.bought + excluded.bought <= p_limit
      RETURNING a.bought INTO v_bought;
    IF NOT FOUND THEN
      SELECT a.bought INTO v_bought FROM rationing.allowances a
        WHERE a.programme_id = p_programme AND a.resident_id = p_residents[i] AND a.period_start = p_period_start;
      o_outcome := 'over-limit'; o_bought := v_bought; o_remaining := NULL;
      RETURN NEXT;
      CONTINUE;
    END IF;
    UPDATE rationing.stock s
       SET remaining = s.remaining - p_quantities[i], sold_total = s.sold_total + p_quantities[i],
           version = nextval('rationing.stock_versions'), updated_at = clock_timestamp()
     WHERE s.programme_id = p_programme AND s.outlet_id = p_outlets[i] AND s.remaining >= p_quantities[i]
     RETURNING s.remaining INTO v_remaining;
    IF NOT FOUND THEN
      UPDATE rationing.allowances a SET bought = a.bought - p_quantities[i]
        WHERE a.programme_id = p_programme AND a.resident_id = p_residents[i] AND a.period_start = p_period_start
        RETURNING a.bought INTO v_bought;
      SELECT s.remaining INTO v_remaining FROM rationing.stock s WHERE s.programme_id = p_programme AND s.outlet_id = p_outlets[i];
      o_outcome := 'out-of-stock'; o_bought := v_bought; o_remaining := coalesce(v_remaining, 0);
      RETURN NEXT;
      CONTINUE;
    END IF;
    INSERT INTO rationing.sales (programme_id, outlet_id, resident_id, quantity, period_start)
      VALUES (p_programme, p_outlets[i], p_residents[i], p_quantities[i], p_period_start);
    v_changed := v_changed || p_outlets[i];
    o_outcome := 'sold'; o_bought := v_bought; o_remaining := v_remaining;
    RETURN NEXT;
  END LOOP;
  IF cardinality(v_changed) > 0 THEN
    PERFORM pg_notify('rationing_stock', (
      SELECT json_agg(json_build_array(s.programme_id, s.outlet_id, s.remaining, s.version,
                                       floor(extract(epoch FROM s.updated_at) * 1000)::bigint))::text
        FROM rationing.stock s WHERE s.programme_id = p_programme AND s.outlet_id = ANY (v_changed)));
  END IF;
END $$;
