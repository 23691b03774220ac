-- Series planner_quotes: one fact per planner call ($3 = {auto_assign.quote}), shadow work excluded;
-- label = the caller (trigger: inline, job, coordinator, manual).
--   value  = planner_duration_ms
--   flag_a = the quote was answered from the plan cache
--   flag_b = the first production quote of its booking (planner_calls_per_booking divides by these;
--            an index probe on booking_id, so the flag can be rolled up per minute and stay exact)
-- Every facts file has the same parameters and columns, so one rollup statement and one raw read
-- wrap them all (sql/analytics/rollup-minutes.sql, sql/analytics/raw-facts.sql):
--   $1 from timestamptz (inclusive), $2 to timestamptz (exclusive), $3 event types text[]
--   columns: occurred_at, restaurant_id, pipeline, label, value, flag_a, flag_b
-- A missing context.pipeline is the legacy pipeline; a missing context.shadow is false.
select
  e.occurred_at,
  e.restaurant_id,
  coalesce(e.context ->> 'pipeline', 'legacy') as pipeline,
  coalesce(e.context ->> 'trigger', 'unknown') as label,
  case when jsonb_typeof(e.context -> 'planner_duration_ms') = 'number'
       then (e.context ->> 'planner_duration_ms')::double precision end as value,
  coalesce(e.context ->> 'cache_hit', 'false') = 'true' as flag_a,
  e.booking_id is not null and not exists (
    select 1 from observability_events p
     where p.booking_id = e.booking_id
       and p.event_type = e.event_type
       and (p.occurred_at < e.occurred_at or (p.occurred_at = e.occurred_at and p.id < e.id))
       and coalesce(p.context ->> 'shadow', 'false') <> 'true'
  ) as flag_b
from observability_events e
where e.event_type = any($3::text[])
  and e.occurred_at >= $1::timestamptz
  and e.occurred_at < $2::timestamptz
  and coalesce(e.context ->> 'shadow', 'false') <> 'true'
