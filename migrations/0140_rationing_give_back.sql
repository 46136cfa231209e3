-- rationing.sell_batch gave back the allowance of a sale refused for lack of stock with an
-- UPDATE … FROM (an aggregate over unnest): its generic plan scanned every allowance row of the
-- period (11 ms a call with 100,000 rows; most batches have a sale at a sold-out outlet, so it
-- was most of the database's time under load, bench rationing). The same statement now finds the
-- rows through the primary key (= ANY on resident_id), and takes each person's total from the
-- batch's arrays. Everything else in the function is as in 0130.
CREATE OR REPLACE FUNCTION rationing.sell_batch(p_programme integer, p_limit integer, p_period_start date,
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
    UPDATE rationing.allowances a
       SET bought = a.bought - (SELECT sum(u.quantity)::integer
                                  FROM unnest(v_back_residents, v_back_quantities) AS u (resident_id, quantity)
                                 WHERE u.resident_id = a.resident_id)
     WHERE a.programme_id = p_programme AND a.resident_id = ANY (v_back_residents) AND a.period_start = p_period_start;
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
