// Several server processes share one budget: two guards, each with its own connection pool (as two
// processes would have), admit concurrent requests of one key and one address against the same
// quota, and exactly the quota is admitted between them. Their usage counts add up in the same rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createPool, type Pool } from '../../core/db';
import { freshDatabase, type TestDatabase } from '../../../test/support/db';
import { hashApiKey, OpenDataApiGuard } from './rate-limits';
import { UsageStatistics } from './usage';

let database: TestDatabase;
let secondPool: Pool;

beforeAll(async () => {
  database = await freshDatabase();
  secondPool = createPool(database.url, 10);
});
afterAll(async () => {
  await secondPool?.end();
  await database?.drop();
});

describe('two processes, one budget', () => {
  it('admits exactly the quota across both, per key and per address', async () => {
    const key = `odk_${randomBytes(32).toString('base64url')}`;
    await database.pool.query(`INSERT INTO opendata.developers (account_id, name, email, purpose) VALUES ('acct-1', 'Dev', 'dev@example.com', 'testing')`);
    await database.pool.query(`INSERT INTO opendata.api_keys (id, account_id, label, secret_hash, hint) VALUES ('ODK-00000000000000aa', 'acct-1', 'k', $1, 'odk_…')`, [hashApiKey(key)]);
    const policies = { keyed: { name: 'key', quota: 40, windowSeconds: 3600 }, anonymous: { name: 'anonymous', quota: 25, windowSeconds: 3600 } };
    const now = () => Date.UTC(2026, 10, 22, 3, 30);
    const guards = [database.pool, secondPool].map((pool) => new OpenDataApiGuard(pool, new UsageStatistics(pool, { now }), { policies, now }));

    const keyed = await Promise.all(Array.from({ length: 60 }, (_, i) => guards[i % 2]!.admit(key, '10.0.0.1')));
    const admittedKeyed = keyed.filter((a) => a.used <= a.policy.quota);
    expect(admittedKeyed).toHaveLength(40);
    expect(new Set(keyed.map((a) => a.used)).size).toBe(60); // each request got its own count

    // Once a process has seen the key over its quota, it refuses the rest of the window from memory:
    // the shared count stops growing. (A process whose share of the burst all fell within the
    // quota learns it from its next answer, which is still counted.)
    const counted = async () => (await database.pool.query(`SELECT requests FROM opendata.rate_windows WHERE partition_key = 'key:ODK-00000000000000aa'`)).rows[0].requests;
    for (const guard of guards) expect((await guard.admit(key, '10.0.0.1')).used).toBeGreaterThan(40);
    const before = await counted();
    for (const guard of guards) expect((await guard.admit(key, '10.0.0.1')).used).toBeGreaterThan(40);
    expect(await counted()).toBe(before);

    const anonymous = await Promise.all(Array.from({ length: 40 }, (_, i) => guards[i % 2]!.admit(null, '10.0.0.9')));
    expect(anonymous.filter((a) => a.used <= a.policy.quota)).toHaveLength(25);

    for (const [i, guard] of guards.entries()) guard.usage.record('ODK-00000000000000aa', 'me-air', i + 1);
    await Promise.all(guards.map((guard) => guard.usage.flush()));
    expect((await guards[0]!.usage.forDataset('me-air')).requests).toBe(3);
  });
});
