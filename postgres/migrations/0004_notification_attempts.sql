-- Webhook notifier (alerts/notify): when a delivery was last attempted, so the per-target rate
-- limit holds across collectors (deliveries tried in the last minute, counted under a per-target advisory
-- lock), and an index for finding new 'opened' / 'escalated' history rows without a full scan.
ALTER TABLE notification_deliveries ADD COLUMN last_attempt_at timestamptz;
CREATE INDEX notification_deliveries_target_attempt ON notification_deliveries (target, last_attempt_at);
CREATE INDEX alert_history_notifiable ON alert_history (at) WHERE change IN ('opened', 'escalated');
