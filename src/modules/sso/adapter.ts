// oidc-provider's storage on Postgres (sso.provider_records, migrations/0080_sso.sql): sessions,
// interactions, grants, authorization codes and tokens live in the database, so a restart or
// another process of the platform continues where this one left off. Clients are not stored
// here: the `Client` model reads the operator's registrations (ClientRegistry) instead.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Pool } from '../../core/db';

/** Reads a registered client as oidc-provider client metadata (undefined: no such client). */
export type ClientLookup = (clientId: string) => Promise<AdapterPayload | undefined>;

// Models that are looked up by grant id when a grant is revoked (e.g. on logout).
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

export function postgresAdapter(pool: Pool, findClient: ClientLookup) {
  return class PostgresAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      await pool.query(
        `INSERT INTO sso.provider_records (model, id, payload, grant_id, uid, user_code, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int > 0 THEN now() + make_interval(secs => $7::int) END)
         ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
           uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
        [this.model, id, payload, GRANTABLE.has(this.model) ? (payload.grantId ?? null) : null, payload.uid ?? null, payload.userCode ?? null, expiresIn ?? 0],
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return findClient(id);
      return this.findWhere('id = $2', id);
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findWhere('uid = $2', uid);
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findWhere('user_code = $2', userCode);
    }

    private async findWhere(condition: string, value: string): Promise<AdapterPayload | undefined> {
      const result = await pool.query<{ payload: AdapterPayload; consumed_at: Date | null }>(
        `SELECT payload, consumed_at FROM sso.provider_records
          WHERE model = $1 AND ${condition} AND (expires_at IS NULL OR expires_at > now())`,
        [this.model, value],
      );
      const row = result.rows[0];
      if (!row) return undefined;
      // oidc-provider detects a replayed authorization code by this field.
      return row.consumed_at ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : row.payload;
    }

    async consume(id: string): Promise<void> {
      await pool.query('UPDATE sso.provider_records SET consumed_at = now() WHERE model = $1 AND id = $2', [this.model, id]);
    }

    async destroy(id: string): Promise<void> {
      await pool.query('DELETE FROM sso.provider_records WHERE model = $1 AND id = $2', [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await pool.query('DELETE FROM sso.provider_records WHERE grant_id = $1', [grantId]);
    }
  };
}

/** Removes expired provider records; the provider never reads them again. */
export async function purgeExpiredRecords(pool: Pool): Promise<number> {
  const result = await pool.query('DELETE FROM sso.provider_records WHERE expires_at < now()');
  return result.rowCount ?? 0;
}
