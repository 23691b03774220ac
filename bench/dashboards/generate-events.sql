-- Synthetic telemetry for bench/dashboards.bench.ts: rows $4 .. $4 + $5 - 1 of $3 events spread
-- evenly over $2 seconds from $1, over the restaurants $6, in the shapes producers write (docs/api.md, "Events").
-- Mix per 100 events: 40 planner quotes (5 % shadow, 10 % V3), 15 inline runs, 10 job summaries,
-- 2 job failures, 10 bookings created, 8 confirmed, 3 state transitions, 5 coordinator runs,
-- 2 shadow comparisons, 4 emails, 1 coordinator start. Planner durations are log-normal-ish with
-- a rare 50x spike, as real ones.
insert into observability_events (occurred_at, source, event_type, severity, restaurant_id, booking_id, context)
select
  $1::timestamptz + (g * $2::double precision / $3::bigint) * interval '1 second',
  'bench',
  case
    when k < 40 then 'auto_assign.quote'
    when k < 55 then 'inline_auto_assign.finished'
    when k < 65 then 'auto_assign.summary'
    when k < 67 then 'auto_assign.failed'
    when k < 77 then 'booking.created'
    when k < 85 then 'booking.confirmed'
    when k < 88 then 'booking.assignment_state_transition'
    when k < 93 then 'coordinator.finished'
    when k < 95 then 'shadow.compared'
    when k < 99 then 'email.sent'
    else 'coordinator.started'
  end,
  'info',
  ($6::uuid[])[1 + (g % array_length($6::uuid[], 1))],
  md5('booking' || (g / 7)::text)::uuid,
  case
    when k < 40 then jsonb_build_object(
      'planner_duration_ms', round((exp(random() * 3.5) * case when random() < 0.002 then 50 else 1 end)::numeric, 3),
      'success', random() < 0.8,
      'reason', (array['NO_AVAILABILITY', 'ADJACENCY_UNSATISFIED', 'HOLD_CONFLICT', 'PARTY_TOO_LARGE'])[1 + (g % 4)],
      'trigger', case when g % 3 = 0 then 'job' else 'inline' end,
      'cache_hit', random() < 0.2,
      'pipeline', case when g % 10 = 0 then 'v3' else 'legacy' end,
      'shadow', g % 20 = 1)
    when k < 55 then jsonb_build_object(
      'duration_ms', round((20 + random() * 200)::numeric, 2),
      'outcome', (array['confirmed', 'confirmed', 'queued', 'timeout'])[1 + (g % 4)],
      'timed_out', g % 4 = 3)
    when k < 65 then jsonb_build_object(
      'result', (array['succeeded', 'succeeded', 'exhausted', 'manual_review', 'already_confirmed'])[1 + (g % 5)],
      'attempts_used', 1 + (g % 5),
      'total_duration_ms', 200 + (g % 5) * 1500)
    when k < 67 then jsonb_build_object('reason', 'NO_AVAILABILITY')
    when k < 77 then jsonb_build_object('party_size', 2 + g % 4, 'start_at', '2030-01-01T19:00:00Z')
    when k < 85 then jsonb_build_object('trigger', 'inline', 'pipeline', 'legacy', 'shadow', false)
    when k < 88 then jsonb_build_object('from', 'assignment_in_progress', 'to', case when g % 3 = 0 then 'manual_review' else 'confirmed' end)
    when k < 93 then jsonb_build_object(
      'outcome', (array['confirmed', 'confirmed', 'confirmed', 'retry', 'noop'])[1 + (g % 5)],
      'duration_ms', round((50 + random() * 500)::numeric, 2),
      'lock_wait_ms', round((random() * 40)::numeric, 2),
      'pipeline', 'v3', 'shadow', false)
    when k < 95 then jsonb_build_object('match', g % 10 <> 0, 'shadow', true)
    when k < 99 then jsonb_build_object('kind', 'confirmation')
    else jsonb_build_object('lock_wait_ms', 3, 'pipeline', 'v3', 'shadow', false)
  end
from generate_series($4::bigint, $4::bigint + $5::bigint - 1) as g,
     lateral (select (g * 37) % 100 as k) as kind
