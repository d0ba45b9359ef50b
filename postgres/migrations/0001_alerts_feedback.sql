-- Alerts, their anomalies and history, analyst feedback, suppressions, API tokens and webhook
-- deliveries. Times are timestamptz; ids are bigint identities. Applied by postgres/migrate.ts.

CREATE TABLE alerts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- What the alert is about, as anomaly.entity ("source.ip=203.0.113.9") and anomaly.kind.
  entity text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved', 'false_positive')),
  -- Highest level and score of its anomalies.
  level text NOT NULL CHECK (level IN ('low', 'medium', 'high', 'critical')),
  score real NOT NULL,
  anomaly_count integer NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  -- The distinct first reasons of its anomalies, strongest first (bounded by the writer).
  top_reasons text[] NOT NULL DEFAULT '{}',
  recommended_action text,
  hosts text[] NOT NULL DEFAULT '{}',
  assignee text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  resolved_at timestamptz
);
-- The writer finds the alert of (entity, kind) still within its grouping window.
CREATE INDEX alerts_entity_kind_last_seen ON alerts (entity, kind, last_seen DESC);
CREATE INDEX alerts_status_last_seen ON alerts (status, last_seen DESC);
CREATE INDEX alerts_last_seen ON alerts (last_seen DESC);

-- The anomalies of an alert: their event ids (the OpenSearch document ids, or the NDJSON event.id).
CREATE TABLE alert_events (
  alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  event_id text NOT NULL,
  "timestamp" timestamptz NOT NULL,
  level text NOT NULL,
  score real NOT NULL,
  reason text,
  -- The scorer's feature row and the model version it was computed for: feedback turns a false
  -- positive into a benign training row from it.
  model_version text,
  features real[],
  PRIMARY KEY (alert_id, event_id)
);
CREATE INDEX alert_events_event_id ON alert_events (event_id);

-- Every change of an alert: opened, escalated, status, assignee, note.
CREATE TABLE alert_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  change text NOT NULL CHECK (change IN ('opened', 'escalated', 'status', 'assignee', 'note')),
  old_value text,
  new_value text,
  note text
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, at);

CREATE TABLE feedback (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id bigint REFERENCES alerts (id) ON DELETE SET NULL,
  event_id text,
  verdict text NOT NULL CHECK (verdict IN ('true_positive', 'false_positive', 'benign')),
  comment text,
  -- Copied from the alert or anomaly at the time, so feedback outlives them.
  entity text,
  kind text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (alert_id IS NOT NULL OR event_id IS NOT NULL)
);
CREATE INDEX feedback_created_at ON feedback (created_at DESC);

CREATE TABLE suppressions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- What it matches: any of these that is set must match (an anomaly's entity exactly, its kind
  -- exactly, a substring of one of its reasons, case-insensitive).
  entity text,
  kind text,
  reason_contains text,
  -- mute: not an anomaly any more; lower: one level down.
  effect text NOT NULL DEFAULT 'mute' CHECK (effect IN ('mute', 'lower')),
  comment text,
  feedback_id bigint REFERENCES feedback (id) ON DELETE SET NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  deleted_at timestamptz,
  CHECK (entity IS NOT NULL OR kind IS NOT NULL OR reason_contains IS NOT NULL)
);
-- Collectors poll the suppressions changed since their last look.
CREATE INDEX suppressions_updated_at ON suppressions (updated_at);

CREATE TABLE api_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  -- sha256 of the token (hex); the token itself is shown once, when created.
  token_hash text NOT NULL UNIQUE,
  scopes text[] NOT NULL CHECK (scopes <@ ARRAY['read', 'write', 'admin', 'ingest']::text[]),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- Webhook notifications of new and escalated alerts: one row per history entry ('opened',
-- 'escalated') and target, created by the notifier, so several collectors deliver each once.
CREATE TABLE notification_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  history_id bigint NOT NULL REFERENCES alert_history (id) ON DELETE CASCADE,
  target text NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('opened', 'escalated')),
  level text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'dropped')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (history_id, target)
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (status, next_attempt_at);
