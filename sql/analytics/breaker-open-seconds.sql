-- breaker_open_seconds: seconds a restaurant's circuit breaker was open, per time bucket and
-- clipped to [$1, $2), summed over restaurants when no restaurant is given. Read from raw
-- events, not rollups: breaker events are rare (an index range on event_type) and an open
-- stretch spans minutes, so it does not split into per-minute counts. An opening is closed by
-- the restaurant's next breaker event; one still open counts up to $2. Looks back 7 days for
-- an opening that began before the window.
--   $1 from, $2 to      timestamptz
--   $3 opened type      text  } server/analytics/series.ts ANALYTICS_EVENTS
--   $4 closed type      text  }
--   $5 restaurant id    uuid, or null for every restaurant
--   $6 bucket seconds   integer >= 1, aligned to the Unix epoch
-- Paired with server/analytics/queries/breaker-open.ts.
with marks as (
  select
    e.occurred_at,
    e.event_type = $3::text as opened,
    lead(e.occurred_at) over (partition by e.restaurant_id order by e.occurred_at, e.id) as next_at
  from observability_events e
  where e.event_type in ($3::text, $4::text)
    and e.occurred_at >= $1::timestamptz - interval '7 days'
    and e.occurred_at < $2::timestamptz
    and ($5::uuid is null or e.restaurant_id = $5::uuid)
),
stretches as (
  select greatest(occurred_at, $1::timestamptz) as open_from,
         least(coalesce(next_at, $2::timestamptz), $2::timestamptz) as open_to
  from marks
  where opened and coalesce(next_at, $2::timestamptz) > $1::timestamptz
),
buckets as (
  select generate_series(
           date_bin(make_interval(secs => $6::integer), $1::timestamptz, timestamptz 'epoch'),
           $2::timestamptz - interval '1 microsecond',
           make_interval(secs => $6::integer)
         ) as bucket_start
)
select
  b.bucket_start,
  -- the filter matters: least() and greatest() skip NULLs, so a bucket with no stretch would
  -- otherwise count as open for its whole length
  coalesce(sum(extract(epoch from
    least(s.open_to, b.bucket_start + make_interval(secs => $6::integer)) - greatest(s.open_from, b.bucket_start)
  )) filter (where s.open_from is not null), 0)::double precision as open_seconds,
  count(s.open_from)::integer as stretches
from buckets b
left join stretches s
  on s.open_from < b.bucket_start + make_interval(secs => $6::integer) and s.open_to > b.bucket_start
group by b.bucket_start
order by b.bucket_start
