import type { Queryable } from '../../postgres/database.js';
import type { ApiDatabase } from '../database.js';
import { API_ERRORS, ApiError } from '../errors.js';
import { pageClauses, splitPage, type Sort } from '../keyset.js';
import { toId } from './rows.js';

/**
 * Suppressions as the API reads and writes them. Collectors poll `updated_at` for changes, so
 * every change (a removal too: a soft delete) sets it to now().
 */
export interface SuppressionInput {
  entity?: string;
  kind?: string;
  reason_contains?: string;
  effect: 'mute' | 'lower';
  comment?: string;
  expires_at?: string;
}

export type SuppressionState = 'active' | 'expired' | 'deleted' | 'all';

const COLUMNS = `id, entity, kind, reason_contains, effect, comment, feedback_id, created_by, created_at, updated_at, expires_at, deleted_at, deleted_by,
  (deleted_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS active`;
const STATE_CONDITION: Record<SuppressionState, string> = {
  active: 'deleted_at IS NULL AND (expires_at IS NULL OR expires_at > now())',
  expired: 'deleted_at IS NULL AND expires_at <= now()',
  deleted: 'deleted_at IS NOT NULL',
  all: 'true',
};
const BY_ID: Sort = { name: 'id', keys: [{ expr: 'id', type: 'bigint' }] };

function suppressionOf(row: Record<string, unknown>): Record<string, unknown> {
  return { ...row, id: toId(row.id), feedback_id: toId(row.feedback_id) };
}

/** Checks what no schema can: it matches something, and it does not expire in the past. */
export function checkSuppression(input: SuppressionInput, where: string): void {
  if (input.entity === undefined && input.kind === undefined && input.reason_contains === undefined) {
    throw new ApiError(API_ERRORS.BAD_REQUEST, `${where} must have at least one of entity, kind, reason_contains (what it matches)`);
  }
  if (input.expires_at !== undefined && Date.parse(input.expires_at) <= Date.now()) {
    throw new ApiError(API_ERRORS.BAD_REQUEST, `${where}.expires_at is in the past`);
  }
}

export async function insertSuppression(
  tx: Queryable | ApiDatabase,
  input: SuppressionInput,
  actor: string,
  feedbackId: number | null = null,
): Promise<Record<string, unknown>> {
  const { rows } = await tx.query<Record<string, unknown>>(
    `INSERT INTO suppressions (entity, kind, reason_contains, effect, comment, feedback_id, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [
      input.entity ?? null,
      input.kind ?? null,
      input.reason_contains ?? null,
      input.effect,
      input.comment ?? null,
      feedbackId,
      actor,
      input.expires_at ?? null,
    ],
  );
  return suppressionOf(rows[0]!);
}

export interface SuppressionFilter {
  state: SuppressionState;
  entity?: string;
  kind?: string;
  limit: number;
  cursor?: string;
}

export async function listSuppressions(
  db: ApiDatabase,
  filter: SuppressionFilter,
): Promise<{ suppressions: Record<string, unknown>[]; next_cursor: string | null }> {
  const params: unknown[] = [];
  const where = [STATE_CONDITION[filter.state]];
  if (filter.entity !== undefined) {
    params.push(filter.entity);
    where.push(`entity = $${params.length}`);
  }
  if (filter.kind !== undefined) {
    params.push(filter.kind);
    where.push(`kind = $${params.length}`);
  }
  const page = pageClauses(BY_ID, true, filter.cursor, params);
  params.push(filter.limit + 1);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS}, ${page.selectKeys} FROM suppressions WHERE ${where.join(' AND ')} ${page.after} ORDER BY ${page.orderBy} LIMIT $${params.length}`,
    params,
  );
  const result = splitPage(rows, filter.limit, BY_ID, true);
  return { suppressions: result.rows.map(({ k0, ...row }) => suppressionOf(row)), next_cursor: result.next_cursor };
}

/** Soft delete: deleted_at and updated_at now, so polling collectors drop it. Idempotent. */
export async function deleteSuppression(db: ApiDatabase, id: number, actor: string): Promise<Record<string, unknown>> {
  const deleted = await db.query<Record<string, unknown>>(
    `UPDATE suppressions SET deleted_at = now(), updated_at = now(), deleted_by = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
    [id, actor],
  );
  if (deleted.rows[0] !== undefined) return suppressionOf(deleted.rows[0]);
  const existing = await db.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM suppressions WHERE id = $1`, [id]);
  if (existing.rows[0] === undefined) throw new ApiError(API_ERRORS.NOT_FOUND, `suppression ${id} not found`);
  return suppressionOf(existing.rows[0]);
}
