-- Inline auto-assign: duration_ms of 'inline_auto_assign.finished' events (one per inline run),
-- one row per time bucket (empty buckets included) plus one total row over the whole window
-- (is_total = true, bucket_start null).
-- inline_timeout_pct = 100 * timeouts / runs (null when there were no runs); a run timed out when
-- its outcome is 'timeout' or timed_out is true.
--
-- Buckets are aligned to the Unix epoch, so they stay put while a live window slides.
--   $1 from            timestamptz, inclusive
--   $2 to              timestamptz, exclusive
--   $3 bucket seconds  integer >= 1
--   $4 restaurant id   uuid, or null for every restaurant
-- Paired with server/analytics/queries/inline-percentiles.ts (zod schemas for params and rows).
with buckets as (
  select generate_series(
           date_bin(make_interval(secs => $3::integer), $1::timestamptz, timestamptz 'epoch'),
           $2::timestamptz - interval '1 microsecond',
           make_interval(secs => $3::integer)
         ) as bucket_start
),
runs as (
  select
    date_bin(make_interval(secs => $3::integer), e.occurred_at, timestamptz 'epoch') as bucket_start,
    case when jsonb_typeof(e.context -> 'duration_ms') = 'number'
         then (e.context ->> 'duration_ms')::double precision end as duration_ms,
    e.context ->> 'outcome' as outcome,
    coalesce(e.context ->> 'outcome' = 'timeout', false)
      or coalesce(e.context ->> 'timed_out' = 'true', false) as timed_out
  from observability_events e
  where e.event_type = 'inline_auto_assign.finished'
    and e.occurred_at >= $1::timestamptz
    and e.occurred_at < $2::timestamptz
    and ($4::uuid is null or e.restaurant_id = $4::uuid)
)
select
  grouping(b.bucket_start) = 1 as is_total,
  case when grouping(b.bucket_start) = 1 then null else b.bucket_start end as bucket_start,
  count(r.bucket_start)::integer as runs,
  count(*) filter (where r.timed_out)::integer as timeouts,
  count(*) filter (where r.outcome = 'confirmed')::integer as confirmed,
  count(*) filter (where r.outcome = 'queued')::integer as queued,
  percentile_cont(0.50) within group (order by r.duration_ms) as p50,
  percentile_cont(0.95) within group (order by r.duration_ms) as p95,
  percentile_cont(0.99) within group (order by r.duration_ms) as p99,
  max(r.duration_ms) as max_ms,
  case when count(r.bucket_start) = 0 then null
       else (100.0 * count(*) filter (where r.timed_out) / count(r.bucket_start))::double precision
  end as inline_timeout_pct
from buckets b
left join runs r on r.bucket_start = b.bucket_start
group by grouping sets ((b.bucket_start), ())
order by is_total, b.bucket_start
