-- Series ramp_rollbacks: one fact per flag.ramp_rolled_back event; label = the flag key.
--   flag_a = the runner rolled it back by itself (a guardrail stayed breached), not a person:
--            context.automatic, set by server/flags/ramps/ramp-service.ts
-- Every facts file has the same parameters and columns, so one rollup statement and one raw read
-- wrap them all (sql/analytics/rollup-minutes.sql, sql/analytics/raw-facts.sql):
--   $1 from timestamptz (inclusive), $2 to timestamptz (exclusive), $3 event types text[]
--   columns: occurred_at, restaurant_id, pipeline, label, value, flag_a, flag_b
-- Flag ramps are not pipeline work: the pipeline column is the legacy default.
select
  e.occurred_at,
  e.restaurant_id,
  'legacy' as pipeline,
  coalesce(e.context ->> 'flag', 'unknown') as label,
  null::double precision as value,
  coalesce(e.context ->> 'automatic', 'false') = 'true' as flag_a,
  false as flag_b
from observability_events e
where e.event_type = any($3::text[])
  and e.occurred_at >= $1::timestamptz
  and e.occurred_at < $2::timestamptz
