-- Shadow comparisons in [$1, $2): how many, how many matched, and the count of each mismatch kind,
-- for one restaurant or all. One comparison per booking (shadow_comparisons is unique on booking).
--   $1 from, $2 to      timestamptz
--   $3 restaurant id    uuid, or null for every restaurant
-- Paired with server/assignment/shadow/shadow-queries.ts (shadowSummary).
select
  coalesce(c.mismatch_kind, 'match') as kind,
  count(*)::int as n
from shadow_comparisons c
where c.created_at >= $1::timestamptz
  and c.created_at < $2::timestamptz
  and ($3::uuid is null or c.restaurant_id = $3::uuid)
group by 1
order by 1
