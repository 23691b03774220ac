-- Series review_waits (metric review_wait_p95, the manual-review SLA): one fact per event that ends
-- a wait for a person (review.seated, review.cancelled, review.expired, review.retried) and carries
-- waited_ms, the time from the booking's last move into manual_review or failed to the action
-- (server/review/review-actions.ts); value = waited_ms.
-- Every facts file has the same parameters and columns, so one rollup statement and one raw read
-- wrap them all (sql/analytics/rollup-minutes.sql, sql/analytics/raw-facts.sql):
--   $1 from timestamptz (inclusive), $2 to timestamptz (exclusive), $3 event types text[]
--   columns: occurred_at, restaurant_id, pipeline, label, value, flag_a, flag_b
-- A missing context.pipeline is the legacy pipeline; a missing context.shadow is false.
select
  e.occurred_at,
  e.restaurant_id,
  coalesce(e.context ->> 'pipeline', 'legacy') as pipeline,
  e.event_type as label,
  (e.context ->> 'waited_ms')::double precision as value,
  false as flag_a,
  false as flag_b
from observability_events e
where e.event_type = any($3::text[])
  and e.occurred_at >= $1::timestamptz
  and e.occurred_at < $2::timestamptz
  and coalesce(e.context ->> 'shadow', 'false') <> 'true'
  and jsonb_typeof(e.context -> 'waited_ms') = 'number'
