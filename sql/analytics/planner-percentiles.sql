-- Planner latency: planner_duration_ms of 'auto_assign.quote' events, one row per time bucket
-- (empty buckets included, with count 0 and null percentiles) plus one total row over the whole
-- window (is_total = true, bucket_start null). Percentiles are continuous (interpolated).
--
-- Buckets are aligned to the Unix epoch, so they stay put while a live window slides.
--   $1 from            timestamptz, inclusive
--   $2 to              timestamptz, exclusive
--   $3 bucket seconds  integer >= 1
--   $4 restaurant id   uuid, or null for every restaurant
--   $5 trigger         text ('inline' | 'job' | 'coordinator' | 'manual'), or null for every trigger
-- Paired with server/analytics/queries/planner-percentiles.ts (zod schemas for params and rows).
with buckets as (
  select generate_series(
           date_bin(make_interval(secs => $3::integer), $1::timestamptz, timestamptz 'epoch'),
           $2::timestamptz - interval '1 microsecond',
           make_interval(secs => $3::integer)
         ) as bucket_start
),
quotes as (
  select
    date_bin(make_interval(secs => $3::integer), e.occurred_at, timestamptz 'epoch') as bucket_start,
    case when jsonb_typeof(e.context -> 'planner_duration_ms') = 'number'
         then (e.context ->> 'planner_duration_ms')::double precision end as duration_ms,
    (e.context ->> 'success') = 'true' as success,
    (e.context ->> 'cache_hit') = 'true' as cache_hit
  from observability_events e
  where e.event_type = 'auto_assign.quote'
    and e.occurred_at >= $1::timestamptz
    and e.occurred_at < $2::timestamptz
    and ($4::uuid is null or e.restaurant_id = $4::uuid)
    and ($5::text is null or e.context ->> 'trigger' = $5::text)
)
select
  grouping(b.bucket_start) = 1 as is_total,
  case when grouping(b.bucket_start) = 1 then null else b.bucket_start end as bucket_start,
  count(q.bucket_start)::integer as count,
  count(*) filter (where q.success)::integer as successes,
  count(*) filter (where q.cache_hit)::integer as cache_hits,
  percentile_cont(0.50) within group (order by q.duration_ms) as p50,
  percentile_cont(0.90) within group (order by q.duration_ms) as p90,
  percentile_cont(0.95) within group (order by q.duration_ms) as p95,
  percentile_cont(0.99) within group (order by q.duration_ms) as p99,
  max(q.duration_ms) as max_ms,
  avg(q.duration_ms) as avg_ms
from buckets b
left join quotes q on q.bucket_start = b.bucket_start
group by grouping sets ((b.bucket_start), ())
order by is_total, b.bucket_start
