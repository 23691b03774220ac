-- Hand-written: the V3 pipeline's seams. See docs/decisions/017-pipeline-v3-and-shadow.md and
-- 017b-assignment-states.md. The states an SQL function may move a booking from now come in as a
-- parameter taken from server/assignment/state-machine.ts, so the transition table lives in one place.

ALTER TABLE assignment_state_history ADD COLUMN IF NOT EXISTS pipeline text;
--> statement-breakpoint

-- Bulkhead permits shared by every engine process: at most N live permits per restaurant (N is the
-- flag assignment.pipeline_v3_max_parallel, read per call). A permit expires so a crashed process
-- cannot keep a slot; the holder renews nothing because an assignment takes milliseconds.
CREATE TABLE IF NOT EXISTS assignment_bulkhead_permits (
  token uuid PRIMARY KEY,
  restaurant_id uuid NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
  booking_id uuid NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS assignment_bulkhead_permits_restaurant_idx
  ON assignment_bulkhead_permits (restaurant_id, expires_at);
--> statement-breakpoint

-- Takes a permit when fewer than p_max live ones exist for the restaurant. The transaction-scoped
-- advisory lock serialises acquisitions of one restaurant (two counting at once could both see
-- max - 1); other restaurants do not wait. Returns true when the permit was taken.
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

-- One comparison per booking: also which pipeline plans were shadowed, and when the booking started
-- (the page filters by restaurant and time).
ALTER TABLE shadow_comparisons ADD COLUMN IF NOT EXISTS legacy_plan jsonb;
--> statement-breakpoint
ALTER TABLE shadow_comparisons ADD COLUMN IF NOT EXISTS v3_plan jsonb;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS shadow_comparisons_time_idx ON shadow_comparisons (created_at);
--> statement-breakpoint

DROP FUNCTION IF EXISTS maitre_confirm_hold(uuid, uuid, integer, timestamptz, jsonb, text, text, text, text, text,
                                            uuid, integer, text, jsonb, text, timestamptz, real, jsonb);
--> statement-breakpoint

-- As 0003, and: the booking must be in one of p_from_states (the caller passes the states the
-- transition table lets into 'confirmed' that it may act from: open states for the pipelines,
-- manual_review/failed for staff), the history row names the pipeline, and the state it came from is
-- returned so the caller can announce the transition. With p_expected_version (staff actions echo
-- the version they saw) a booking at another version answers VERSION_CONFLICT and nothing changes.
-- Outcomes: confirmed | HOLD_EXPIRED (SQLSTATE MT001) | BOOKING_NOT_PENDING | VERSION_CONFLICT;
-- state_version and from_state are the booking's current ones when it did not confirm.
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
  p_plan jsonb,
  p_from_states text[],
  p_expected_version integer
) RETURNS TABLE (outcome text, email_queued boolean, state_version integer, from_state text) LANGUAGE plpgsql AS $$
DECLARE
  v_converted integer;
  v_booking bookings%ROWTYPE;
  v_email_id uuid;
BEGIN
  SELECT * INTO v_booking FROM bookings WHERE id = p_booking_id FOR UPDATE;
  IF FOUND AND p_expected_version IS NOT NULL AND v_booking.assignment_state_version <> p_expected_version THEN
    RETURN QUERY SELECT 'VERSION_CONFLICT'::text, false, v_booking.assignment_state_version, v_booking.assignment_state::text;
    RETURN;
  END IF;
  IF NOT FOUND OR v_booking.status <> 'pending_allocation'
     OR NOT (v_booking.assignment_state::text = ANY (p_from_states)) THEN
    RETURN QUERY SELECT 'BOOKING_NOT_PENDING'::text, false, v_booking.assignment_state_version, v_booking.assignment_state::text;
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

  INSERT INTO assignment_state_history (booking_id, from_state, to_state, version, actor, pipeline)
  VALUES (p_booking_id, v_booking.assignment_state::text, 'confirmed', v_booking.assignment_state_version + 1, p_actor, p_pipeline);

  INSERT INTO assignment_attempts (id, booking_id, attempt_number, pipeline, strategy, trigger, started_at, duration_ms, outcome, reason_code, plan)
  VALUES (p_attempt_id, p_booking_id, p_attempt_number, p_pipeline, p_strategy, p_trigger, p_attempt_started_at,
          p_attempt_elapsed_ms + (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::real,
          'confirmed', NULL, p_plan);

  RETURN QUERY SELECT 'confirmed'::text, v_email_id IS NOT NULL, v_booking.assignment_state_version + 1,
                      v_booking.assignment_state::text;
END
$$;
