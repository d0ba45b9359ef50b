/**
 * What one notification is about, as read from PostgreSQL when its delivery is claimed: the
 * alert change that triggered it (an alert opened, or escalated to a higher level) and the alert
 * as it stands at sending time.
 */

/** Alert levels as the alerts table holds them, mildest first. */
export const ALERT_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export function isAlertLevel(value: unknown): value is AlertLevel {
  return typeof value === 'string' && (ALERT_LEVELS as readonly string[]).includes(value);
}

export const NOTIFICATION_TRIGGERS = ['opened', 'escalated'] as const;
export type NotificationTrigger = (typeof NOTIFICATION_TRIGGERS)[number];

export interface AlertSnapshot {
  id: number;
  entity: string;
  kind: string;
  status: string;
  /** The alert's highest level now (it may have risen again since the change notified). */
  level: AlertLevel;
  score: number;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  topReasons: string[];
  recommendedAction: string | null;
  hosts: string[];
}

export interface AlertNotification {
  /** notification_deliveries.id: receivers may use it to drop a repeated delivery. */
  deliveryId: number;
  historyId: number;
  trigger: NotificationTrigger;
  /** The level the change reached: the alert's level when opened, the new level when escalated. */
  level: AlertLevel;
  /** For an escalation, the level before it. */
  previousLevel: AlertLevel | undefined;
  triggeredAt: Date;
  /** 1 for the first attempt. */
  attempt: number;
  alert: AlertSnapshot;
}
