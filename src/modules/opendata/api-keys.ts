// Developers of the open data portal and their API keys. Any signed-in person (a resident too)
// registers as a developer with a name, an email address and what they will build; then issues API
// keys (shown once, stored as a SHA-256 hash), lists them and revokes them. A developer's profile is
// personal data: registering, reading it and every key change are audited in the same transaction.
import { randomBytes } from 'node:crypto';
import type { AuditActor, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import type { Pool, Queryable } from '../../core/db';
import { withTransaction } from '../../core/db';
import { AppError, type FieldProblem } from '../../core/errors';
import { hashApiKey } from './rate-limits';

export interface DeveloperContext {
  principal: Principal;
  actor: AuditActor;
  requestId: string;
}

export interface DeveloperInput {
  name: string;
  email: string;
  purpose: string;
}

export interface Developer extends DeveloperInput {
  accountId: string;
  registeredAt: string;
}

export interface ApiKeySummary {
  id: string;
  label: string;
  /** The key's first characters, to tell keys apart; never enough to use it. */
  hint: string;
  createdAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

/** A key as issued: the only time `key` exists outside its owner's hands. */
export interface IssuedApiKey extends ApiKeySummary {
  key: string;
}

export const API_KEY_ID_PATTERN = '^ODK-[0-9a-f]{16}$';
/** Active keys one developer may hold at once. */
export const MAX_ACTIVE_KEYS = 10;
const EMAIL = /^[^\s@<>()",;]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

interface KeyRow {
  id: string;
  label: string;
  hint: string;
  created_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

const summaryOf = (row: KeyRow): ApiKeySummary => ({
  id: row.id,
  label: row.label,
  hint: row.hint,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
  revokedReason: row.revoked_reason,
});

/** Trimmed developer details, or a VALIDATION_FAILED problem naming each bad field. */
export function validateDeveloper(input: Partial<DeveloperInput>): DeveloperInput {
  const name = (input.name ?? '').trim();
  const email = (input.email ?? '').trim();
  const purpose = (input.purpose ?? '').trim();
  const problems: FieldProblem[] = [];
  if (name.length < 1 || name.length > 100) problems.push({ field: '/body/name', message: 'Enter a name of 1 to 100 characters' });
  if (email.length > 254 || !EMAIL.test(email)) problems.push({ field: '/body/email', message: 'Enter an email address like name@example.com' });
  if (purpose.length < 2 || purpose.length > 1000) problems.push({ field: '/body/purpose', message: 'Describe what you will build in 2 to 1000 characters' });
  if (problems.length) throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  return { name, email, purpose };
}

export class DeveloperService {
  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
  ) {}

  private entry(context: DeveloperContext, action: string, purpose: string, resource: string, details: Record<string, unknown> | null = null) {
    return {
      actor: context.actor,
      action,
      purpose,
      resource,
      outcome: 'allowed' as const,
      subjectResidentId: context.principal.residentId,
      requestId: context.requestId,
      details,
    };
  }

  async register(context: DeveloperContext, input: Partial<DeveloperInput>): Promise<Developer> {
    const valid = validateDeveloper(input);
    return withTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<{ registered_at: Date }>(
        `INSERT INTO opendata.developers (account_id, name, email, purpose) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id) DO NOTHING RETURNING registered_at`,
        [context.principal.accountId, valid.name, valid.email, valid.purpose],
      );
      if (!rows[0]) throw new AppError('DEVELOPER_ALREADY_REGISTERED', 'This account is registered as a developer already.');
      await this.audit.append(tx, this.entry(context, 'opendata.developer.register', 'Registering as a developer of the open data API', `developer:${context.principal.accountId}`));
      return { accountId: context.principal.accountId, ...valid, registeredAt: rows[0].registered_at.toISOString() };
    });
  }

  private async developerRow(db: Queryable, accountId: string, lock = false): Promise<Developer | null> {
    const { rows } = await db.query<{ name: string; email: string; purpose: string; registered_at: Date }>(
      `SELECT name, email, purpose, registered_at FROM opendata.developers WHERE account_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [accountId],
    );
    const row = rows[0];
    return row ? { accountId, name: row.name, email: row.email, purpose: row.purpose, registeredAt: row.registered_at.toISOString() } : null;
  }

  /** The signed-in person's developer profile (null when not registered) and keys, newest first; the read is audited. */
  async profile(context: DeveloperContext): Promise<{ developer: Developer | null; keys: ApiKeySummary[] }> {
    return withTransaction(this.pool, async (tx) => {
      const developer = await this.developerRow(tx, context.principal.accountId);
      if (!developer) return { developer: null, keys: [] };
      const { rows } = await tx.query<KeyRow>(
        `SELECT id, label, hint, created_at, revoked_at, revoked_reason FROM opendata.api_keys WHERE account_id = $1 ORDER BY created_at DESC, id`,
        [context.principal.accountId],
      );
      await this.audit.append(tx, this.entry(context, 'opendata.developer.read', 'Showing a developer their own profile and API keys', `developer:${context.principal.accountId}`));
      return { developer, keys: rows.map(summaryOf) };
    });
  }

  async issueKey(context: DeveloperContext, label: string | undefined): Promise<IssuedApiKey> {
    const name = (label ?? '').trim();
    if (name.length < 1 || name.length > 100) {
      throw new AppError('VALIDATION_FAILED', '/body/label: Name the key in 1 to 100 characters', [{ field: '/body/label', message: 'Name the key in 1 to 100 characters' }]);
    }
    return withTransaction(this.pool, async (tx) => {
      if (!(await this.developerRow(tx, context.principal.accountId, true))) throw new AppError('DEVELOPER_NOT_REGISTERED', 'Register as a developer at /developers before issuing API keys.');
      const active = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM opendata.api_keys WHERE account_id = $1 AND revoked_at IS NULL`, [context.principal.accountId]);
      if (active.rows[0]!.n >= MAX_ACTIVE_KEYS) throw new AppError('CONFLICT', `A developer may hold ${MAX_ACTIVE_KEYS} active keys; revoke one first.`);
      const id = `ODK-${randomBytes(8).toString('hex')}`;
      const key = `odk_${randomBytes(32).toString('base64url')}`;
      const { rows } = await tx.query<KeyRow>(
        `INSERT INTO opendata.api_keys (id, account_id, label, secret_hash, hint) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, label, hint, created_at, revoked_at, revoked_reason`,
        [id, context.principal.accountId, name, hashApiKey(key), `${key.slice(0, 8)}…`],
      );
      await this.audit.append(tx, this.entry(context, 'opendata.api-key.issue', 'Issuing an API key of the open data API to its developer', `api-key:${id}`, { label: name }));
      return { ...summaryOf(rows[0]!), key };
    });
  }

  async revokeKey(context: DeveloperContext, id: string, reason: string | undefined): Promise<ApiKeySummary> {
    const why = (reason ?? '').trim().slice(0, 500) || null;
    return withTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<KeyRow>(
        `SELECT id, label, hint, created_at, revoked_at, revoked_reason FROM opendata.api_keys WHERE id = $1 AND account_id = $2 FOR UPDATE`,
        [id, context.principal.accountId],
      );
      const row = rows[0];
      if (!row) throw new AppError('API_KEY_NOT_FOUND', `You have no API key ${id}.`);
      if (row.revoked_at) throw new AppError('API_KEY_ALREADY_REVOKED', `API key ${id} was revoked already.`);
      const updated = await tx.query<KeyRow>(
        `UPDATE opendata.api_keys SET revoked_at = now(), revoked_reason = $2 WHERE id = $1
         RETURNING id, label, hint, created_at, revoked_at, revoked_reason`,
        [id, why],
      );
      await this.audit.append(tx, this.entry(context, 'opendata.api-key.revoke', 'Revoking an API key of the open data API at its developer\'s request', `api-key:${id}`, { reason: why }));
      return summaryOf(updated.rows[0]!);
    });
  }
}
