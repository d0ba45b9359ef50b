import type { ApiDatabase } from '../database.js';
import { API_ERRORS, ApiError } from '../errors.js';
import { pageClauses, splitPage, type Sort } from '../keyset.js';
import type { Verdict } from '../schemas.js';
import { featuresByName, toId } from './rows.js';
import { checkSuppression, insertSuppression, type SuppressionInput } from './suppressions.js';

/**
 * Analyst verdicts on an alert or on one anomaly (by its event id). The alert's entity and kind
 * are copied onto the feedback, so it outlives the alert; a false positive or benign verdict may
 * create a suppression in the same transaction.
 */
export interface FeedbackInput {
  alert_id?: number;
  event_id?: string;
  verdict: Verdict;
  comment?: string;
  suppression?: Partial<SuppressionInput> & { effect: 'mute' | 'lower' };
}

const COLUMNS = 'id, alert_id, event_id, verdict, comment, entity, kind, created_by, created_at';

function feedbackOf(row: Record<string, unknown>): Record<string, unknown> {
  return { ...row, id: toId(row.id), alert_id: toId(row.alert_id) };
}

export async function createFeedback(
  db: ApiDatabase,
  input: FeedbackInput,
  actor: string,
): Promise<{ feedback: Record<string, unknown>; suppression: Record<string, unknown> | null }> {
  if (input.alert_id === undefined && input.event_id === undefined) {
    throw new ApiError(API_ERRORS.BAD_REQUEST, 'body must have alert_id or event_id (what the verdict is about)');
  }
  if (input.suppression !== undefined && input.verdict === 'true_positive') {
    throw new ApiError(API_ERRORS.BAD_REQUEST, 'body.suppression: only a false_positive or benign verdict may create a suppression');
  }
  return db.transaction(async (tx) => {
    let subject: { alert_id: unknown; entity: string; kind: string } | undefined;
    if (input.event_id !== undefined) {
      const params: unknown[] = [input.event_id];
      if (input.alert_id !== undefined) params.push(input.alert_id);
      const found = await tx.query<{ alert_id: unknown; entity: string; kind: string }>(
        `SELECT a.id AS alert_id, a.entity, a.kind FROM alert_events e JOIN alerts a ON a.id = e.alert_id
         WHERE e.event_id = $1 ${input.alert_id !== undefined ? 'AND e.alert_id = $2' : ''} ORDER BY e."timestamp" DESC LIMIT 1`,
        params,
      );
      subject = found.rows[0];
      if (subject === undefined && input.alert_id !== undefined) {
        throw new ApiError(API_ERRORS.BAD_REQUEST, `event ${input.event_id} is not an anomaly of alert ${input.alert_id}`);
      }
    } else {
      const found = await tx.query<{ alert_id: unknown; entity: string; kind: string }>(
        'SELECT id AS alert_id, entity, kind FROM alerts WHERE id = $1',
        [input.alert_id],
      );
      subject = found.rows[0];
      if (subject === undefined) throw new ApiError(API_ERRORS.NOT_FOUND, `alert ${input.alert_id} not found`);
    }
    const { rows } = await tx.query<Record<string, unknown>>(
      `INSERT INTO feedback (alert_id, event_id, verdict, comment, entity, kind, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [
        subject?.alert_id ?? null,
        input.event_id ?? null,
        input.verdict,
        input.comment ?? null,
        subject?.entity ?? null,
        subject?.kind ?? null,
        actor,
      ],
    );
    const feedback = feedbackOf(rows[0]!);
    if (input.suppression === undefined) return { feedback, suppression: null };
    // Without a match of its own, the suppression is for what the verdict is about: its entity and kind.
    const wanted = input.suppression;
    const matchGiven = wanted.entity !== undefined || wanted.kind !== undefined || wanted.reason_contains !== undefined;
    if (!matchGiven && subject === undefined) {
      throw new ApiError(
        API_ERRORS.BAD_REQUEST,
        `body.suppression must name entity, kind or reason_contains: event ${input.event_id} is in no alert, so there is nothing to copy them from`,
      );
    }
    const suppression: SuppressionInput = matchGiven ? { ...wanted } : { ...wanted, entity: subject!.entity, kind: subject!.kind };
    if (suppression.comment === undefined && input.comment !== undefined) suppression.comment = input.comment;
    checkSuppression(suppression, 'body.suppression');
    return { feedback, suppression: await insertSuppression(tx, suppression, actor, feedback.id as number) };
  });
}

export interface FeedbackFilter {
  verdict?: Verdict[];
  alert_id?: number;
  event_id?: string;
  entity?: string;
  kind?: string;
  created_by?: string;
  since?: Date;
  until?: Date;
  limit: number;
  cursor?: string;
}

export const FEEDBACK_SORT: Sort = {
  name: 'created_at',
  keys: [
    { expr: 'created_at', type: 'timestamp' },
    { expr: 'id', type: 'bigint' },
  ],
};

/** One page of feedback, newest first. */
export async function listFeedback(
  db: ApiDatabase,
  filter: FeedbackFilter,
): Promise<{ feedback: Record<string, unknown>[]; next_cursor: string | null }> {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown): void => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (filter.verdict !== undefined) add((p) => `verdict = ANY(${p}::text[])`, filter.verdict);
  if (filter.alert_id !== undefined) add((p) => `alert_id = ${p}`, filter.alert_id);
  if (filter.event_id !== undefined) add((p) => `event_id = ${p}`, filter.event_id);
  if (filter.entity !== undefined) add((p) => `entity = ${p}`, filter.entity);
  if (filter.kind !== undefined) add((p) => `kind = ${p}`, filter.kind);
  if (filter.created_by !== undefined) add((p) => `created_by = ${p}`, filter.created_by);
  if (filter.since !== undefined) add((p) => `created_at >= ${p}`, filter.since);
  if (filter.until !== undefined) add((p) => `created_at < ${p}`, filter.until);
  const page = pageClauses(FEEDBACK_SORT, true, filter.cursor, params);
  params.push(filter.limit + 1);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS}, ${page.selectKeys} FROM feedback WHERE ${where.length > 0 ? where.join(' AND ') : 'true'} ${page.after}
     ORDER BY ${page.orderBy} LIMIT $${params.length}`,
    params,
  );
  const result = splitPage(rows, filter.limit, FEEDBACK_SORT, true);
  return { feedback: result.rows.map(({ k0, k1, ...row }) => feedbackOf(row)), next_cursor: result.next_cursor };
}

/** Anomalies exported per feedback row, at most (an alert's are bounded by its writer too). */
export const EXPORT_EVENTS_PER_FEEDBACK = 500;

export interface ExportedEvent {
  event_id: string;
  timestamp: Date;
  level: string;
  score: number;
  model_version: string | null;
  features: Record<string, number> | null;
}

/**
 * The anomalies each feedback row is about, with the scorer's feature rows: the one event of a
 * verdict on an anomaly, or every anomaly of the alert of a verdict on an alert.
 */
export async function eventsOfFeedback(db: ApiDatabase, feedbackIds: readonly number[]): Promise<Map<number, ExportedEvent[]>> {
  const byFeedback = new Map<number, ExportedEvent[]>();
  if (feedbackIds.length === 0) return byFeedback;
  const { rows } = await db.query<{
    feedback_id: unknown;
    event_id: string;
    timestamp: Date;
    level: string;
    score: number;
    model_version: string | null;
    features: number[] | null;
  }>(
    `SELECT f.id AS feedback_id, e.event_id, e."timestamp", e.level, e.score, e.model_version, e.features
     FROM feedback f CROSS JOIN LATERAL (
       SELECT event_id, "timestamp", level, score, model_version, features FROM alert_events e
       WHERE (f.event_id IS NOT NULL AND e.event_id = f.event_id AND e.alert_id = COALESCE(f.alert_id, e.alert_id))
          OR (f.event_id IS NULL AND e.alert_id = f.alert_id)
       ORDER BY "timestamp", event_id LIMIT ${EXPORT_EVENTS_PER_FEEDBACK}
     ) e
     WHERE f.id = ANY($1::bigint[])`,
    [feedbackIds],
  );
  for (const row of rows) {
    const id = Number(row.feedback_id);
    let list = byFeedback.get(id);
    if (list === undefined) byFeedback.set(id, (list = []));
    list.push({
      event_id: row.event_id,
      timestamp: row.timestamp,
      level: row.level,
      score: row.score,
      model_version: row.model_version,
      features: featuresByName(row.features),
    });
  }
  return byFeedback;
}
