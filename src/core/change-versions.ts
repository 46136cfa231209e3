// In-memory copies of rarely changing tables for hot paths (the exchange checks a credential, the
// directory and an agreement on every request), kept exact rather than merely fresh: each table's
// version (platform.change_versions, bumped by a trigger in the same transaction as any change)
// is read inside the caller's transaction, and a copy taken at another version is reloaded in
// that same transaction. A change therefore takes effect for every request whose transaction
// starts after it committed, on every instance, with no TTL and no invalidation messages to lose.
import type { QueryResult } from 'pg';
import type { Queryable, Tx } from './db';

export type ChangeVersions = ReadonlyMap<string, string>;

/** The current version of every tracked table ('0' for one never changed). One small query. */
export async function readChangeVersions(db: Queryable): Promise<ChangeVersions> {
  const result = await db.query<{ name: string; version: string }>('SELECT name, version::text FROM platform.change_versions');
  return new Map(result.rows.map((row) => [row.name, row.version]));
}

/**
 * BEGIN and readChangeVersions in one round trip (a parameterless multi-statement query), for
 * withTransaction's `begin` on hot paths.
 */
export async function beginReadingChangeVersions(client: Tx): Promise<ChangeVersions> {
  const results = (await client.query('BEGIN; SELECT name, version::text FROM platform.change_versions')) as unknown as Array<QueryResult<{ name: string; version: string }>>;
  return new Map(results[1]!.rows.map((row) => [row.name, row.version]));
}

/** A value derived from one table, reloaded (through `load`, on the caller's transaction) when the table's version moved. */
export class VersionedCache<T> {
  private current: { version: string; value: T } | null = null;

  constructor(
    /** The table name as in its bump_change_version trigger, e.g. 'agreements.agreements'. */
    readonly table: string,
    private readonly load: (db: Queryable) => Promise<T>,
  ) {}

  async get(db: Queryable, versions: ChangeVersions): Promise<T> {
    const version = versions.get(this.table) ?? '0';
    if (this.current?.version === version) return this.current.value;
    const value = await this.load(db);
    // Never replace a copy with one keyed by an older version (two batches racing).
    if (!this.current || BigInt(version) >= BigInt(this.current.version)) this.current = { version, value };
    return value;
  }
}
