-- One series aggregated per minute straight from raw events, for the parts of a window the
-- rollups do not cover yet (the open minute, minutes not rolled, a window edge inside a minute).
-- The same facts and the same sketch buckets as sql/analytics/rollup-minutes.sql, so a minute
-- read raw equals the same minute read from its rollup.
--   the facts marker below is replaced by the series' facts file, which reads $1 from, $2 to, $3 event types
--   $4 ln(gamma), $5 smallest value   (server/analytics/sketch.ts)
--   $6 restaurant id  uuid, or null for every restaurant
--   $7 pipeline       text, or null for every pipeline
-- Paired with server/analytics/queries/raw-facts.ts.
with facts as (
/*facts*/
),
keyed as (
  select
    date_bin(interval '1 minute', f.occurred_at, timestamptz 'epoch') as bucket_start,
    f.label,
    f.value,
    f.flag_a,
    f.flag_b,
    case when f.value is null then null
         else ceil(ln(greatest(f.value, $5::double precision)) / $4::double precision)::integer end as bin
  from facts f
  where ($6::uuid is null or f.restaurant_id = $6::uuid)
    and ($7::text is null or f.pipeline = $7::text)
),
totals as (
  select bucket_start, label,
         count(*) as count,
         count(*) filter (where flag_a) as count_a,
         count(*) filter (where flag_b) as count_b,
         coalesce(sum(value), 0) as value_sum,
         max(value) as value_max
  from keyed
  group by bucket_start, label
),
bins as (
  select bucket_start, label, jsonb_object_agg(bin::text, n) as hist
  from (select bucket_start, label, bin, count(*) as n from keyed where bin is not null group by 1, 2, 3) per_bin
  group by bucket_start, label
)
select t.bucket_start, t.label, t.count, t.count_a, t.count_b, t.value_sum, t.value_max, coalesce(b.hist, '{}'::jsonb) as hist
from totals t
left join bins b using (bucket_start, label)
