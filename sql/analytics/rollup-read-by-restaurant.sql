-- Rollup rows of some series for every restaurant's own slice (not '*'), over a set of grain
-- ranges: the overview's per-restaurant table in one read. Driven by the (grain, bucket_start)
-- index: a range holds every restaurant's rows for that time.
--   $1 series          text[]
--   $2 pipeline key    text ('legacy' | 'v3', or '*' for every pipeline)
--   $3 grains          text[]         } one range per position
--   $4 range starts    timestamptz[]  }
--   $5 range ends      timestamptz[]  }
-- Paired with server/analytics/queries/rollup-read.ts.
select r.series, r.restaurant_key, r.grain, r.bucket_start, r.label, r.count, r.count_a, r.count_b, r.value_sum, r.value_max, r.hist
from unnest($3::text[], $4::timestamptz[], $5::timestamptz[]) as c(grain, range_start, range_end)
join observability_rollups r
  on r.grain = c.grain
 and r.bucket_start >= c.range_start
 and r.bucket_start < c.range_end
 and r.series = any($1::text[])
 and r.pipeline_key = $2::text
 and r.restaurant_key <> '*'
