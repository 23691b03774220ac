-- Hand-written; see docs/decisions/010-booking-path-throughput.md. The confirm also writes the
-- attempt's row (one round trip and one commit fewer per seated booking) and no longer bumps the
-- availability version. The old signature is dropped so that no caller can confirm without
-- recording its attempt. The hold commits asynchronously (no WAL flush wait): see below.
DROP FUNCTION IF EXISTS maitre_confirm_hold(uuid, uuid, integer, timestamptz, jsonb, text, text, text, text, text);
--> statement-breakpoint

-- Holds every table of a plan or none. Expired holds on those tables that overlap the window are
-- swept first (same transaction). Returns the new availability version, or NULL when a table is taken (23P01).
-- The commit does not wait for its WAL flush (synchronous_commit off for this transaction only):
-- the confirm that follows commits synchronously and so flushes the hold with it, and a hold lost
-- to a server crash before any confirm is no worse than a hold that expired. Call it on its own,
-- not inside a transaction of the caller's, whose commit would inherit the setting.
CREATE OR REPLACE FUNCTION maitre_place_hold(
  p_restaurant_id uuid,
  p_booking_id uuid,
  p_hold_id uuid,
  p_table_ids uuid[],
  p_start timestamptz,
  p_end timestamptz,
  p_expires_at timestamptz,
  p_now timestamptz
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_version bigint;
  v_inserted integer;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  -- only the expired holds that would collide: the window condition keeps this an index probe,
  -- not a walk over every live allocation these tables ever had
  UPDATE table_allocations SET released_at = p_now
   WHERE table_id = ANY (p_table_ids) AND "window" && tstzrange(p_start, p_end, '[)')
     AND kind = 'hold' AND released_at IS NULL AND hold_expires_at <= p_now;
  BEGIN
    -- ON CONFLICT: two plain inserts colliding under the exclusion constraint can each wait for
    -- the other and deadlock (a second later, one fails); a speculative insert never waits that way
    INSERT INTO table_allocations (restaurant_id, table_id, booking_id, hold_id, kind, "window", hold_expires_at)
    SELECT p_restaurant_id, table_id, p_booking_id, p_hold_id, 'hold', tstzrange(p_start, p_end, '[)'), p_expires_at
      FROM unnest(p_table_ids) AS table_id
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_inserted = ROW_COUNT;
    IF v_inserted <> cardinality(p_table_ids) THEN
      -- a table is taken: undo the rows inserted for the others
      RAISE EXCEPTION USING ERRCODE = 'exclusion_violation';
    END IF;
  EXCEPTION WHEN exclusion_violation THEN
    RETURN NULL;
  END;
  UPDATE restaurants SET availability_version = availability_version + 1
   WHERE id = p_restaurant_id RETURNING availability_version INTO v_version;
  RETURN v_version;
END
$$;
--> statement-breakpoint

-- Turns a live hold into assignments, confirms the booking (only from an open state), writes the
-- state history, queues the confirmation email (unique per booking and kind) and records the
-- attempt that got this far: all or nothing.
-- Outcomes: confirmed | HOLD_EXPIRED (SQLSTATE MT001) | BOOKING_NOT_PENDING; on the last two the
-- caller records the failed attempt itself.
CREATE OR REPLACE FUNCTION maitre_confirm_hold(
  p_hold_id uuid,
  p_booking_id uuid,
  p_table_count integer,
  p_now timestamptz,
  p_last_result jsonb,
  p_actor text,
  p_email_kind text,
  p_email_recipient text,
  p_email_subject text,
  p_email_body text,
  p_attempt_id uuid,
  p_attempt_number integer,
  p_pipeline text,
  p_strategy jsonb,
  p_trigger text,
  p_attempt_started_at timestamptz,
  p_attempt_elapsed_ms real,
  p_plan jsonb
) RETURNS TABLE (outcome text, email_queued boolean, state_version integer) LANGUAGE plpgsql AS $$
DECLARE
  v_converted integer;
  v_booking bookings%ROWTYPE;
  v_email_id uuid;
BEGIN
  SELECT * INTO v_booking FROM bookings WHERE id = p_booking_id FOR UPDATE;
  IF NOT FOUND OR v_booking.status <> 'pending_allocation'
     OR v_booking.assignment_state NOT IN ('created', 'capacity_verified', 'assignment_pending', 'assignment_in_progress', 'assigned') THEN
    RETURN QUERY SELECT 'BOOKING_NOT_PENDING'::text, false, NULL::integer;
    RETURN;
  END IF;

  UPDATE table_allocations SET kind = 'assignment', hold_expires_at = NULL
   WHERE hold_id = p_hold_id AND released_at IS NULL AND hold_expires_at > p_now;
  GET DIAGNOSTICS v_converted = ROW_COUNT;
  IF v_converted <> p_table_count THEN
    -- part of the hold expired and may be someone else's table by now: undo and give up
    RAISE EXCEPTION 'hold % expired', p_hold_id USING ERRCODE = 'MT001';
  END IF;

  INSERT INTO email_outbox (booking_id, kind, recipient, subject, body)
  VALUES (p_booking_id, p_email_kind, p_email_recipient, p_email_subject, p_email_body)
  ON CONFLICT (booking_id, kind) DO NOTHING
  RETURNING id INTO v_email_id;

  UPDATE bookings
     SET status = 'confirmed',
         assignment_state = 'confirmed',
         assignment_state_version = assignment_state_version + 1,
         confirmed_at = p_now,
         auto_assign_last_result = p_last_result || jsonb_build_object('emailQueued', v_email_id IS NOT NULL),
         updated_at = p_now
   WHERE id = p_booking_id;

  INSERT INTO assignment_state_history (booking_id, from_state, to_state, version, actor)
  VALUES (p_booking_id, v_booking.assignment_state::text, 'confirmed', v_booking.assignment_state_version + 1, p_actor);

  -- no availability version bump: a hold becoming an assignment leaves the busy tables as they
  -- were, and not locking the restaurant row keeps confirms of one restaurant from queueing on it

  -- the caller measured the attempt up to this call; the time spent in here is added
  INSERT INTO assignment_attempts (id, booking_id, attempt_number, pipeline, strategy, trigger, started_at, duration_ms, outcome, reason_code, plan)
  VALUES (p_attempt_id, p_booking_id, p_attempt_number, p_pipeline, p_strategy, p_trigger, p_attempt_started_at,
          p_attempt_elapsed_ms + (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::real,
          'confirmed', NULL, p_plan);

  RETURN QUERY SELECT 'confirmed'::text, v_email_id IS NOT NULL, v_booking.assignment_state_version + 1;
END
$$;
