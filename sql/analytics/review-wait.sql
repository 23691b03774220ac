-- Series review_waits (metric review_wait_p95: the manual-review SLA, time a booking waited for a
-- person): one fact per event that ends a wait, value = context.waited_ms, the time from the
-- booking's last move into a waiting state (manual_review, failed) to the action.
-- Producers: server/review/review-actions.ts on review.seated, review.cancelled, review.expired,
-- and review.retried when the engine then seated it ($3 = those types).
-- Same parameters and columns as every facts file (sql/analytics/facts/*.sql on the metric
-- catalogue), so the catalogue's rollup and raw read can wrap it:
--   $1 from timestamptz (inclusive), $2 to timestamptz (exclusive), $3 event types text[]
--   columns: occurred_at, restaurant_id, pipeline, label, value, flag_a, flag_b
-- Staff work is no pipeline's: it counts under legacy, as assignment/steps/seat.ts records it.
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
  and jsonb_typeof(e.context -> 'waited_ms') = 'number'
