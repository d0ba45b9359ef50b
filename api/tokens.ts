import { createHash, randomBytes } from 'node:crypto';

/**
 * API tokens: `siemad_` and 32 random bytes (base64url). Only the sha256 of a token is stored
 * (api_tokens.token_hash); the token itself is shown once, when created. Scopes: `read` (GET),
 * `write` (change alerts, give feedback, add suppressions), `admin` (everything, including removing
 * suppressions).
 */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const PREFIX = 'siemad_';
/** The shape of a token; anything else is refused before the database is asked. */
const TOKEN_PATTERN = /^siemad_[A-Za-z0-9_-]{43}$/;
export const TOKEN_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$';

interface Queryable {
  query<Row>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

export interface TokenInfo {
  name: string;
  scopes: Scope[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export type Authentication =
  | { ok: true; id: number; name: string; scopes: Scope[] }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' };

export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** True when the scopes a token holds grant `needed` (admin grants everything). */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  return held.includes(needed) || held.includes('admin');
}

export class TokenNameTakenError extends Error {
  constructor(name: string, revoked: boolean) {
    super(
      `a token named "${name}" exists${revoked ? ' (revoked; names are not reused, so the history stays unambiguous)' : ''}: choose another name`,
    );
    this.name = 'TokenNameTakenError';
  }
}

export class TokenStore {
  constructor(private readonly db: Queryable) {}

  /** Creates a token and returns it: the only time it is seen. */
  async create(name: string, scopes: readonly Scope[]): Promise<string> {
    const existing = await this.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_tokens WHERE name = $1', [name]);
    if (existing.rows.length > 0) throw new TokenNameTakenError(name, existing.rows[0]!.revoked_at !== null);
    const token = generateToken();
    await this.db.query('INSERT INTO api_tokens (name, token_hash, scopes) VALUES ($1, $2, $3)', [
      name,
      hashToken(token),
      [...new Set(scopes)],
    ]);
    return token;
  }

  list(): Promise<TokenInfo[]> {
    return this.db
      .query<TokenInfo>('SELECT name, scopes, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY name')
      .then((r) => r.rows);
  }

  /** Revokes the token named `name`; false when there is no such token that is still valid. */
  async revoke(name: string): Promise<boolean> {
    const result = await this.db.query('UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL', [name]);
    return result.rowCount > 0;
  }

  async authenticate(token: string): Promise<Authentication> {
    if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'malformed' };
    const { rows } = await this.db.query<{ id: string | number; name: string; scopes: Scope[]; revoked_at: Date | null }>(
      'SELECT id, name, scopes, revoked_at FROM api_tokens WHERE token_hash = $1',
      [hashToken(token)],
    );
    const row = rows[0];
    if (row === undefined) return { ok: false, reason: 'unknown' };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
    return { ok: true, id: Number(row.id), name: row.name, scopes: row.scopes };
  }

  async touch(id: number): Promise<void> {
    await this.db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [id]);
  }
}
