-- Minute rollups are kept for a few days (the minute charts of recent windows); older ones are
-- already merged into hours and are dropped, a batch at a time.
--   $1 cutoff      timestamptz (exclusive), never later than the hour mark
--   $2 batch size  integer
-- Paired with server/analytics/rollups.ts.
with doomed as (
  select series, restaurant_key, pipeline_key, grain, bucket_start, label
    from observability_rollups
   where grain = 'minute' and bucket_start < $1::timestamptz
   limit $2::integer
)
delete from observability_rollups r using doomed d
 where r.series = d.series and r.restaurant_key = d.restaurant_key and r.pipeline_key = d.pipeline_key
   and r.grain = d.grain and r.bucket_start = d.bucket_start and r.label = d.label
