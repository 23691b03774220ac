-- Shadow match rate over time and by restaurant: comparisons and matches per (bucket, restaurant)
-- in [$1, $2). The page sums over restaurants for the line and over buckets for the table.
--   $1 from, $2 to      timestamptz
--   $3 restaurant id    uuid, or null for every restaurant
--   $4 bucket seconds   integer >= 1, aligned to the Unix epoch
-- Paired with server/assignment/shadow/shadow-queries.ts (shadowMatchSeries).
select
  date_bin(make_interval(secs => $4::integer), c.created_at, timestamptz 'epoch') as bucket_start,
  r.slug as restaurant,
  count(*)::int as total,
  count(*) filter (where c.match)::int as matched
from shadow_comparisons c
join restaurants r on r.id = c.restaurant_id
where c.created_at >= $1::timestamptz
  and c.created_at < $2::timestamptz
  and ($3::uuid is null or c.restaurant_id = $3::uuid)
group by 1, 2
order by 1, 2
