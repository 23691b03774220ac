-- Merges finer rollups into coarser ones over [$4, $5): minutes into hours, hours into days.
-- Counters and sums add, maxima take the max, sketches add bucket by bucket (they are mergeable:
-- server/analytics/sketch.ts). Re-running over the same range replaces the rows.
--   $1 source grain  text ('minute' | 'hour')
--   $2 target grain  text ('hour' | 'day')
--   $3 target size   interval ('1 hour' | '1 day'), aligned to the Unix epoch (UTC midnight)
--   $4 from, $5 to   timestamptz, aligned to the target grain
-- Paired with server/analytics/rollups.ts.
with src as (
  select * from observability_rollups
   where grain = $1::text and bucket_start >= $4::timestamptz and bucket_start < $5::timestamptz
),
totals as (
  select series, restaurant_key, pipeline_key, label,
         date_bin($3::interval, bucket_start, timestamptz 'epoch') as bucket_start,
         sum(count) as count, sum(count_a) as count_a, sum(count_b) as count_b,
         sum(value_sum) as value_sum, max(value_max) as value_max
  from src
  group by 1, 2, 3, 4, 5
),
bins as (
  select series, restaurant_key, pipeline_key, label, bucket_start, jsonb_object_agg(bin, n) as hist
  from (
    select s.series, s.restaurant_key, s.pipeline_key, s.label,
           date_bin($3::interval, s.bucket_start, timestamptz 'epoch') as bucket_start,
           h.key as bin, sum(h.value::bigint) as n
    from src s, jsonb_each_text(s.hist) h
    group by 1, 2, 3, 4, 5, 6
  ) per_bin
  group by 1, 2, 3, 4, 5
)
insert into observability_rollups
  (series, restaurant_key, pipeline_key, grain, bucket_start, label, count, count_a, count_b, value_sum, value_max, hist)
select t.series, t.restaurant_key, t.pipeline_key, $2::text, t.bucket_start, t.label,
       t.count, t.count_a, t.count_b, t.value_sum, t.value_max, coalesce(b.hist, '{}'::jsonb)
from totals t
left join bins b using (series, restaurant_key, pipeline_key, label, bucket_start)
on conflict (series, restaurant_key, pipeline_key, grain, bucket_start, label) do update
  set count = excluded.count, count_a = excluded.count_a, count_b = excluded.count_b,
      value_sum = excluded.value_sum, value_max = excluded.value_max, hist = excluded.hist
