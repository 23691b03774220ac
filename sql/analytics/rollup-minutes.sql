-- Rolls one series up per minute over [$1, $2) (whole, closed minutes), for every slice the
-- dashboards read: each (restaurant, pipeline), each restaurant ('*' pipeline), each pipeline
-- ('*' restaurant) and everything ('*', '*'): GROUP BY CUBE, so a read never sums restaurants.
-- Re-rolling a minute replaces its rows (after a crash between the insert and the mark).
--   the facts marker below is replaced by the series' facts file (sql/analytics/facts/*.sql), which reads
--   $1 from, $2 to, $3 event types text[]
--   $4 series name         text
--   $5 ln(gamma)           double precision  (server/analytics/sketch.ts: LN_GAMMA)
--   $6 smallest value      double precision  (sketch.ts: MIN_VALUE; smaller values share its bucket)
-- Paired with server/analytics/rollups.ts.
with facts as (
/*facts*/
),
keyed as (
  select
    date_bin(interval '1 minute', f.occurred_at, timestamptz 'epoch') as bucket_start,
    coalesce(f.restaurant_id::text, '') as restaurant_key,
    f.pipeline as pipeline_key,
    f.label,
    f.value,
    f.flag_a,
    f.flag_b,
    case when f.value is null then null
         else ceil(ln(greatest(f.value, $6::double precision)) / $5::double precision)::integer end as bin
  from facts f
),
totals as (
  select
    bucket_start,
    label,
    case when grouping(restaurant_key) = 1 then '*' else restaurant_key end as restaurant_key,
    case when grouping(pipeline_key) = 1 then '*' else pipeline_key end as pipeline_key,
    count(*) as count,
    count(*) filter (where flag_a) as count_a,
    count(*) filter (where flag_b) as count_b,
    coalesce(sum(value), 0) as value_sum,
    max(value) as value_max
  from keyed
  group by bucket_start, label, cube(restaurant_key, pipeline_key)
),
bins as (
  select bucket_start, label, restaurant_key, pipeline_key, jsonb_object_agg(bin::text, n) as hist
  from (
    select
      bucket_start,
      label,
      case when grouping(restaurant_key) = 1 then '*' else restaurant_key end as restaurant_key,
      case when grouping(pipeline_key) = 1 then '*' else pipeline_key end as pipeline_key,
      bin,
      count(*) as n
    from keyed
    where bin is not null
    group by bucket_start, label, bin, cube(restaurant_key, pipeline_key)
  ) per_bin
  group by bucket_start, label, restaurant_key, pipeline_key
)
insert into observability_rollups
  (series, restaurant_key, pipeline_key, grain, bucket_start, label, count, count_a, count_b, value_sum, value_max, hist)
select $4::text, t.restaurant_key, t.pipeline_key, 'minute', t.bucket_start, t.label,
       t.count, t.count_a, t.count_b, t.value_sum, t.value_max, coalesce(b.hist, '{}'::jsonb)
from totals t
left join bins b
  on b.bucket_start = t.bucket_start and b.label = t.label
 and b.restaurant_key = t.restaurant_key and b.pipeline_key = t.pipeline_key
on conflict (series, restaurant_key, pipeline_key, grain, bucket_start, label) do update
  set count = excluded.count, count_a = excluded.count_a, count_b = excluded.count_b,
      value_sum = excluded.value_sum, value_max = excluded.value_max, hist = excluded.hist
