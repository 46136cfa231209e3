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

-- Sells a batch of requests; the caller sorts them by resident and numbers each person's
-- requests within the batch (p_rounds: 1 for their first, 2 for their second, …). Two phases, so
-- that the outlets' stock rows, which every sale at an outlet needs, are locked as briefly as
-- possible:
-- 1. each person's allowance for the period grows only while it stays within the limit (a
--    conditional upsert: a concurrent sale to the same person waits for the row and re-checks
--    against the committed total), one statement per round, rows in resident order;
-- 2. the batch's stock rows are locked in outlet order and read once; each sale takes its quantity
--    in memory or, when too little is left, gives the allowance back; then one statement each
--    writes the stock, the sales log and the given-back allowances.
-- Allowance locks in resident order, then stock locks in outlet order: no two batches can wait on
-- each other in a cycle. Outcomes: 'sold', 'over-limit', 'out-of-stock'; a sold item also gives
-- its outlet's stock after the whole batch (o_final, o_version, o_updated_ms) for the stream, which
-- the caller announces after commit (a NOTIFY here would serialise every sale's commit on the
-- notification queue's lock).
CREATE FUNCTION rationing.sell_batch(p_programme integer, p_limit integer, p_period_start date,
                                     p_outlets integer[], p_residents bigint[], p_quantities integer[], p_rounds integer[])
RETURNS TABLE (o_index integer, o_outcome text, o_bought integer, o_remaining integer,
               o_final integer, o_version bigint, o_updated_ms bigint)
LANGUAGE plpgsql AS $$
DECLARE
  n integer := coalesce(array_length(p_outlets, 1), 0);
  v_changed_ids integer[];
  v_changed_remaining integer[];
  v_changed_versions bigint[];
  v_changed_ms bigint[];
  i integer;
  k integer;
  r integer;
  v_granted_residents bigint[];
  v_granted_bought integer[];
  v_bought integer[] := array_fill(NULL::integer, ARRAY[n]);
  v_outcome text[] := array_fill('over-limit'::text, ARRAY[n]);
  v_left integer[] := array_fill(NULL::integer, ARRAY[n]);
  v_ids integer[];
  v_remaining integer[];
  v_sold integer[];
  v_back_residents bigint[] := '{}';
  v_back_quantities integer[] := '{}';
  v_sale_items integer[] := '{}';
  v_refused bigint[] := '{}';
BEGIN
  FOR r IN 1 .. coalesce((SELECT max(x) FROM unnest(p_rounds) AS x), 0) LOOP
    WITH granted AS (
      INSERT INTO rationing.allowances AS a (programme_id, resident_id, period_start, bought)
        SELECT p_programme, u.resident_id, p_period_start, u.quantity
          FROM unnest(p_residents, p_quantities, p_rounds) AS u (resident_id, quantity, round)
         WHERE u.round = r ORDER BY u.resident_id
        ON CONFLICT (programme_id, resident_id, period_start)
          DO UPDATE SET bought = a.bought + excluded.bought WHERE a.bought + excluded.bought <= p_limit
        RETURNING a.resident_id, a.bought)
    SELECT array_agg(g.resident_id), array_agg(g.bought) INTO v_granted_residents, v_granted_bought FROM granted g;
    FOR i IN 1 .. n LOOP
      IF p_rounds[i] = r THEN
        k := array_position(v_granted_residents, p_residents[i]);
        IF k IS NOT NULL THEN
          v_outcome[i] := 'pending';
          v_bought[i] := v_granted_bought[k];
        ELSE
          v_refused := v_refused || p_residents[i];
        END IF;
      END IF;
    END LOOP;
  END LOOP;
  IF cardinality(v_refused) > 0 THEN
    SELECT array_agg(a.resident_id), array_agg(a.bought) INTO v_granted_residents, v_granted_bought
      FROM rationing.allowances a
     WHERE a.programme_id = p_programme AND a.resident_id = ANY (v_refused) AND a.period_start = p_period_start;
    FOR i IN 1 .. n LOOP
      IF v_outcome[i] = 'over-limit' THEN
        v_bought[i] := v_granted_bought[array_position(v_granted_residents, p_residents[i])];
      END IF;
    END LOOP;
  END IF;

  SELECT array_agg(s.outlet_id ORDER BY s.outlet_id), array_agg(s.remaining ORDER BY s.outlet_id)
    INTO v_ids, v_remaining
    FROM (SELECT outlet_id, remaining FROM rationing.stock
           WHERE programme_id = p_programme AND outlet_id = ANY (p_outlets)
           ORDER BY outlet_id FOR UPDATE) s;
  v_sold := array_fill(0, ARRAY[coalesce(array_length(v_ids, 1), 0)]);
  FOR i IN 1 .. n LOOP
    IF v_outcome[i] <> 'pending' THEN CONTINUE; END IF;
    k := array_position(v_ids, p_outlets[i]);
    IF k IS NOT NULL AND v_remaining[k] >= p_quantities[i] THEN
      v_remaining[k] := v_remaining[k] - p_quantities[i];
      v_sold[k] := v_sold[k] + p_quantities[i];
      v_outcome[i] := 'sold';
      v_left[i] := v_remaining[k];
      v_sale_items := v_sale_items || i;
    ELSE
      v_outcome[i] := 'out-of-stock';
      v_left[i] := coalesce(v_remaining[k], 0);
      v_bought[i] := v_bought[i] - p_quantities[i];
      v_back_residents := v_back_residents || p_residents[i];
      v_back_quantities := v_back_quantities || p_quantities[i];
    END IF;
  END LOOP;

  IF cardinality(v_back_residents) > 0 THEN
    UPDATE rationing.allowances a SET bought = a.bought - b.quantity
      FROM (SELECT resident_id, sum(quantity)::integer AS quantity FROM unnest(v_back_residents, v_back_quantities) AS u (resident_id, quantity) GROUP BY resident_id) b
     WHERE a.programme_id = p_programme AND a.resident_id = b.resident_id AND a.period_start = p_period_start;
  END IF;
  IF cardinality(v_sale_items) > 0 THEN
    WITH changed AS (
      UPDATE rationing.stock s
         SET remaining = u.remaining, sold_total = s.sold_total + u.sold,
             version = nextval('rationing.stock_versions'), updated_at = clock_timestamp()
        FROM unnest(v_ids, v_remaining, v_sold) AS u (outlet_id, remaining, sold)
       WHERE s.programme_id = p_programme AND s.outlet_id = u.outlet_id AND u.sold > 0
       RETURNING s.outlet_id, s.remaining, s.version, floor(extract(epoch FROM s.updated_at) * 1000)::bigint AS ms)
    SELECT array_agg(c.outlet_id), array_agg(c.remaining), array_agg(c.version), array_agg(c.ms)
      INTO v_changed_ids, v_changed_remaining, v_changed_versions, v_changed_ms FROM changed c;
    INSERT INTO rationing.sales (programme_id, outlet_id, resident_id, quantity, period_start)
      SELECT p_programme, p_outlets[j], p_residents[j], p_quantities[j], p_period_start FROM unnest(v_sale_items) AS j;
  END IF;

  FOR i IN 1 .. n LOOP
    o_index := i; o_outcome := v_outcome[i]; o_bought := v_bought[i]; o_remaining := v_left[i];
    o_final := NULL; o_version := NULL; o_updated_ms := NULL;
    IF v_outcome[i] = 'sold' THEN
      k := array_position(v_changed_ids, p_outlets[i]);
      o_final := v_changed_remaining[k]; o_version := v_changed_versions[k]; o_updated_ms := v_changed_ms[k];
    END IF;
    RETURN NEXT;
  END LOOP;
END $$;
