-- Series emails: one fact per email sent ($3 = {email.sent, email.duplicate_send}); label = the
-- email kind (confirmation, ...).
--   flag_a = a duplicate: a duplicate_send, or a send for a booking and kind that already had one
--            (an index probe on booking_id, so duplicates across minutes are counted exactly)
-- Every facts file has the same parameters and columns, so one rollup statement and one raw read
-- wrap them all (sql/analytics/rollup-minutes.sql, sql/analytics/raw-facts.sql):
--   $1 from timestamptz (inclusive), $2 to timestamptz (exclusive), $3 event types text[]
--   columns: occurred_at, restaurant_id, pipeline, label, value, flag_a, flag_b
-- A missing context.pipeline is the legacy pipeline; a missing context.shadow is false.
select
  e.occurred_at,
  e.restaurant_id,
  'legacy' as pipeline,
  coalesce(e.context ->> 'kind', 'unknown') as label,
  null::double precision as value,
  e.event_type <> ($3::text[])[1] or exists (
    select 1 from observability_events p
     where p.booking_id = e.booking_id
       and p.event_type = ($3::text[])[1]
       and p.context ->> 'kind' = e.context ->> 'kind'
       and (p.occurred_at < e.occurred_at or (p.occurred_at = e.occurred_at and p.id < e.id))
  ) as flag_a,
  false as flag_b
from observability_events e
where e.event_type = any($3::text[])
  and e.occurred_at >= $1::timestamptz
  and e.occurred_at < $2::timestamptz
