-- Bookings waiting in manual review now, per restaurant, with the oldest wait.
--   $1 the manual-review state  text (server/assignment vocabulary)
-- Paired with server/analytics/dashboards.ts.
select b.restaurant_id, count(*)::integer as waiting, min(b.updated_at) as oldest
from bookings b
where b.assignment_state::text = $1::text and b.status <> 'cancelled'
group by b.restaurant_id
