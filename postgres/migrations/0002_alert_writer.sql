-- What the alert writer (alerts/store.ts) needs beyond 0001.

-- The score of each of alerts.top_reasons (same order), so a later, stronger reason is placed
-- among them without re-reading the alert's anomalies.
ALTER TABLE alerts ADD COLUMN top_reason_scores real[] NOT NULL DEFAULT '{}';

-- Every anomaly applied to an alert, by event id: the writer's queue delivers at least once (a
-- crash between the commit and the queue's acknowledgement replays), and alert_events keeps only
-- the first anomalies of an alert, so this is what keeps a replayed anomaly from counting twice.
-- The writer deletes rows older than a few days: replays come within seconds.
CREATE TABLE alert_applied_events (
  event_id text PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_applied_events_applied_at ON alert_applied_events (applied_at);
