-- V3's commit in one round trip (ADR 017, "Coordinator latency"): hold the plan's tables, move the
-- booking into p_via ('assigned', with its history row) and confirm it, in one transaction. Before,
-- these were three statements in a row (maitre_place_hold, the state machine's transition,
-- maitre_confirm_hold), each a round trip that waited behind every other statement of a burst.
-- The states come from the state machine as parameters (p_from_states: the states it lets into
-- p_via that the caller acts from; the confirm moves from p_via), as for every SQL transition.
-- Outcomes: confirmed | HOLD_CONFLICT (a table is taken) | BOOKING_NOT_PENDING (closed meanwhile) |
-- VERSION_CONFLICT (open, but not in p_from_states: the kill switch or a person moved it); on every
-- outcome but confirmed nothing is written. HOLD_EXPIRED (MT001) cannot happen (the hold is
-- confirmed in the transaction that placed it) but would still roll everything back.
-- from_state is the state the booking was in before (the move into p_via starts there; the confirm
-- starts at p_via); assigned_version is the version of the move into p_via, state_version the last.
CREATE OR REPLACE FUNCTION maitre_v3_seat(
  p_restaurant_id uuid,
  p_booking_id uuid,
  p_hold_id uuid,
  p_table_ids uuid[],
  p_start timestamptz,
  p_end timestamptz,
  p_expires_at timestamptz,
  p_now timestamptz,
  p_from_states text[],
  p_via text,
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
) RETURNS TABLE (outcome text, email_queued boolean, state_version integer, from_state text, assigned_version integer)
LANGUAGE plpgsql AS $$
DECLARE
  v_booking bookings%ROWTYPE;
  v_sync text := current_setting('synchronous_commit');
  v_confirm record;
  v_refused text;
BEGIN
  SELECT * INTO v_booking FROM bookings WHERE id = p_booking_id FOR UPDATE;
  IF NOT FOUND OR v_booking.status <> 'pending_allocation' THEN
    RETURN QUERY SELECT 'BOOKING_NOT_PENDING'::text, false, v_booking.assignment_state_version,
                        v_booking.assignment_state::text, NULL::integer;
    RETURN;
  END IF;
  IF NOT (v_booking.assignment_state::text = ANY (p_from_states)) THEN
    RETURN QUERY SELECT 'VERSION_CONFLICT'::text, false, v_booking.assignment_state_version,
                        v_booking.assignment_state::text, NULL::integer;
    RETURN;
  END IF;

  BEGIN
    IF maitre_place_hold(p_restaurant_id, p_booking_id, p_hold_id, p_table_ids, p_start, p_end, p_expires_at, p_now)
       IS NULL THEN
      v_refused := 'HOLD_CONFLICT';
      RAISE EXCEPTION USING ERRCODE = 'MT002';
    END IF;
    -- maitre_place_hold commits its own transactions asynchronously (a lost hold costs nothing);
    -- this one confirms a booking and queues its email: it commits as the session says
    PERFORM set_config('synchronous_commit', v_sync, true);

    UPDATE bookings
       SET assignment_state = p_via::assignment_state,
           assignment_state_version = assignment_state_version + 1,
           updated_at = now()
     WHERE id = p_booking_id;
    INSERT INTO assignment_state_history (booking_id, from_state, to_state, version, reason, actor, pipeline)
    VALUES (p_booking_id, v_booking.assignment_state::text, p_via, v_booking.assignment_state_version + 1, NULL,
            p_actor, p_pipeline);

    SELECT * INTO v_confirm
      FROM maitre_confirm_hold(p_hold_id, p_booking_id, cardinality(p_table_ids), p_now, p_last_result, p_actor,
                               p_email_kind, p_email_recipient, p_email_subject, p_email_body, p_attempt_id,
                               p_attempt_number, p_pipeline, p_strategy, p_trigger, p_attempt_started_at,
                               p_attempt_elapsed_ms, p_plan, ARRAY[p_via], NULL);
    IF v_confirm.outcome <> 'confirmed' THEN
      -- cannot happen under the row lock taken above; if it did, the hold and the move go too
      v_refused := v_confirm.outcome;
      RAISE EXCEPTION USING ERRCODE = 'MT002';
    END IF;
  EXCEPTION WHEN SQLSTATE 'MT002' THEN
    RETURN QUERY SELECT v_refused, false, v_booking.assignment_state_version, v_booking.assignment_state::text,
                        NULL::integer;
    RETURN;
  END;

  RETURN QUERY SELECT 'confirmed'::text, v_confirm.email_queued, v_confirm.state_version,
                      v_booking.assignment_state::text, v_booking.assignment_state_version + 1;
END
$$;
--> statement-breakpoint

-- The bulkhead's permits commit asynchronously (as holds do, 0003): the acquire holds the
-- restaurant's advisory lock until its commit, so with a synchronous commit every acquire of a
-- restaurant waited behind the one before it and its WAL flush (a queue of fsyncs under a burst).
-- A permit lost in a server crash is harmless: it only frees a slot, and the crash ended every
-- session running under one. Same logic as 0010 otherwise.
CREATE OR REPLACE FUNCTION maitre_bulkhead_acquire(
  p_restaurant_id uuid,
  p_booking_id uuid,
  p_token uuid,
  p_max integer,
  p_now timestamptz,
  p_expires_at timestamptz
) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_live integer;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(hashtext('maitre:bulkhead'), hashtext(p_restaurant_id::text));
  DELETE FROM assignment_bulkhead_permits WHERE restaurant_id = p_restaurant_id AND expires_at <= p_now;
  SELECT count(*) INTO v_live FROM assignment_bulkhead_permits WHERE restaurant_id = p_restaurant_id;
  IF v_live >= p_max THEN
    RETURN false;
  END IF;
  INSERT INTO assignment_bulkhead_permits (token, restaurant_id, booking_id, acquired_at, expires_at)
  VALUES (p_token, p_restaurant_id, p_booking_id, p_now, p_expires_at);
  RETURN true;
END
$$;
--> statement-breakpoint

-- Gives a permit back, asynchronously committed like its acquire.
CREATE OR REPLACE FUNCTION maitre_bulkhead_release(p_token uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  DELETE FROM assignment_bulkhead_permits WHERE token = p_token;
END
$$;
