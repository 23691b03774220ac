-- Series retry_decisions: one fact per auto_assign.retry_decision event (retry policy v2 skipped,
-- relaxed or stopped a job attempt); label = the decision (RETRY_DECISIONS in
-- server/assignment/retry-policy.ts: skip_first_attempt, relax_after_timeout, stop_on_hard_reason,
-- cap_capacity_retries), value = the attempt number it concerns.
-- Every facts file has the same parameters and columns, so one rollup statement and one raw read
-- wrap them all (sql/analytics/rollup-minutes.sql, sql/analytics/raw-facts.sql):
--   $1 from timestamptz (inclusive), $2 to timestamptz (exclusive), $3 event types text[]
--   columns: occurred_at, restaurant_id, pipeline, label, value, flag_a, flag_b
-- A missing context.pipeline is the legacy pipeline; a missing context.shadow is false.
select
  e.occurred_at,
  e.restaurant_id,
  coalesce(e.context ->> 'pipeline', 'legacy') as pipeline,
  coalesce(e.context ->> 'decision', 'unknown') as label,
  case when jsonb_typeof(e.context -> 'attempt_number') = 'number'
       then (e.context ->> 'attempt_number')::double precision end as value,
  false as flag_a,
  false as flag_b
from observability_events e
where e.event_type = any($3::text[])
  and e.occurred_at >= $1::timestamptz
  and e.occurred_at < $2::timestamptz
  and coalesce(e.context ->> 'shadow', 'false') <> 'true'
