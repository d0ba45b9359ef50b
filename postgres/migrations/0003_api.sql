-- The HTTP API: who removed a suppression (removal is a soft delete), and the feedback of an alert
-- or an anomaly found without a scan (alert detail, export).
ALTER TABLE suppressions ADD COLUMN deleted_by text;
CREATE INDEX feedback_alert_id ON feedback (alert_id);
CREATE INDEX feedback_event_id ON feedback (event_id);
