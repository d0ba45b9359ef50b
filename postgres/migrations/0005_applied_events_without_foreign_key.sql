-- alert_applied_events is written once per anomaly applied (tens of thousands a minute in a flood)
-- and read only by event id. Its foreign key's per-row check took ~40% of each insert; rows are
-- pruned by age anyway (alert_id stays, for tracing an anomaly to its alert).
ALTER TABLE alert_applied_events DROP CONSTRAINT IF EXISTS alert_applied_events_alert_id_fkey;
