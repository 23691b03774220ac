-- Drops raw events older than the retention cutoff, a batch at a time (oldest first, on the
-- occurred_at index), so one run never holds a long lock or a huge transaction. The cutoff is
-- never later than the minute rollup mark: an event is only dropped once it is rolled up.
--   $1 cutoff      timestamptz (exclusive)
--   $2 batch size  integer
-- Paired with server/analytics/rollups.ts.
with doomed as (
  select id from observability_events
   where occurred_at < $1::timestamptz
   order by occurred_at
   limit $2::integer
)
delete from observability_events e using doomed where e.id = doomed.id
