-- The newest shadow comparisons since $1 (both plans, both timings), newest first.
--   $1 since            timestamptz
--   $2 restaurant id    uuid, or null for every restaurant
--   $3 match            boolean, or null for both
--   $4 limit            integer 1..500
--   $5 mismatch kind    text, or null for every kind
-- Paired with server/assignment/shadow/shadow-queries.ts (shadowComparisonList).
select
  c.booking_id::text as booking_id,
  r.slug as restaurant,
  b.reference,
  b.party_size,
  b.start_at,
  c.match,
  c.mismatch_kind,
  c.legacy_outcome,
  c.v3_outcome,
  c.legacy_plan,
  c.v3_plan,
  c.legacy_duration_ms,
  c.v3_duration_ms,
  c.created_at
from shadow_comparisons c
join restaurants r on r.id = c.restaurant_id
join bookings b on b.id = c.booking_id
where c.created_at >= $1::timestamptz
  and ($2::uuid is null or c.restaurant_id = $2::uuid)
  and ($3::boolean is null or c.match = $3::boolean)
  and ($5::text is null or c.mismatch_kind = $5::text)
order by c.created_at desc, c.id
limit $4::integer
