-- The minute of the oldest raw event: where the first rollup run starts.
-- Paired with server/analytics/rollups.ts.
select date_bin(interval '1 minute', min(occurred_at), timestamptz 'epoch') as first_minute from observability_events
