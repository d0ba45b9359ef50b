-- Exactly-once application of the alert writer's queue by position instead of by event id: each
-- collector's queue stores, in the transaction that applies a batch, the position of the batch's
-- last record (segment id and the byte offset past the record); records at or before it are
-- skipped when a crash makes the queue deliver them again. One row per queue replaces a row per
-- anomaly (alert_applied_events), which under a flood took 43% of the embedded database's time
-- and grew by every anomaly for a week. Anomalies of a batch in flight during the upgrade may be
-- applied twice, once.
DROP TABLE alert_applied_events;
CREATE TABLE alert_queue_positions (
  queue_id text PRIMARY KEY,
  segment bigint NOT NULL,
  "offset" bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
