-- Rollup rows of some series for one slice over a set of [start, end) ranges, each at one grain
-- (server/analytics/cover.ts plans them: days where whole days fit, then hours, then minutes).
-- One index range scan per range on the primary key.
--   $1 series          text[]
--   $2 restaurant key  text (a restaurant id, or '*' for every restaurant)
--   $3 pipeline key    text ('legacy' | 'v3', or '*' for every pipeline)
--   $4 grains          text[]         } one range per position
--   $5 range starts    timestamptz[]  }
--   $6 range ends      timestamptz[]  }
-- Paired with server/analytics/queries/rollup-read.ts.
select r.series, r.grain, r.bucket_start, r.label, r.count, r.count_a, r.count_b, r.value_sum, r.value_max, r.hist
from unnest($4::text[], $5::timestamptz[], $6::timestamptz[]) as c(grain, range_start, range_end)
join observability_rollups r
  on r.series = any($1::text[])
 and r.restaurant_key = $2::text
 and r.pipeline_key = $3::text
 and r.grain = c.grain
 and r.bucket_start >= c.range_start
 and r.bucket_start < c.range_end
