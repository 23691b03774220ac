-- Series shadow_comparisons: one fact per shadow.compared; label = 'true' when V3's decision
-- matched the legacy one. Shadow work by definition, so the shadow exclusion does not apply.
-- Every facts file has the same parameters and columns, so one rollup statement and one raw read
-- wrap them all (sql/analytics/rollup-minutes.sql, sql/analytics/raw-facts.sql):
--   $1 from timestamptz (inclusive), $2 to timestamptz (exclusive), $3 event types text[]
--   columns: occurred_at, restaurant_id, pipeline, label, value, flag_a, flag_b
-- A missing context.pipeline is the legacy pipeline; a missing context.shadow is false.
select
  e.occurred_at,
  e.restaurant_id,
  'v3' as pipeline,
  case when coalesce(e.context ->> 'match', 'false') = 'true' then 'true' else 'false' end as label,
  null::double precision as value,
  false as flag_a,
  false as flag_b
from observability_events e
where e.event_type = any($3::text[])
  and e.occurred_at >= $1::timestamptz
  and e.occurred_at < $2::timestamptz
